// Sign-in: staff with a password, residents with a one-time code for their community; refresh; who am I.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { optionalName } from "@kepu/input";
import { answers, id, secured, strictObject, text } from "../schemas.js";
import { gatewayActor, signedIn, type RouteOptions } from "./context.js";

const tokenPair = Type.Object({ accessToken: Type.String(), refreshToken: Type.String(), expiresIn: Type.Integer({ description: "秒 / seconds" }) });
const roleNames = Object.keys(Role).filter((k) => isNaN(Number(k)));
const me = Type.Object({ id: Type.String(), role: Type.Unsafe<string>({ type: "string", enum: roleNames }), orgId: Type.String(), displayName: Type.String() });

const auth: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps, clients }) => {
  const tags = ["auth"];
  app.post("/api/v1/auth/sign-in", { schema: { tags, body: strictObject({ account: text(64), password: text(128) }), response: answers(tokenPair) } }, async (request) => {
    return deps.tokens.issue(await deps.accounts.signIn(request.body.account, request.body.password));
  });
  app.post("/api/v1/auth/resident-code", { schema: { tags, body: strictObject({ phone: text(20) }), response: answers(Type.Object({ sent: Type.Boolean() })) } }, async (request) => {
    await deps.codes.request(request.body.phone);
    return { sent: true };
  });
  const residentSignIn = strictObject({ phone: text(20), code: text(6), communityId: id(), displayName: Type.Optional(text(20)) });
  app.post("/api/v1/auth/resident-sign-in", { schema: { tags, body: residentSignIn, response: answers(tokenPair) } }, async (request) => {
    const { phone, code, communityId, displayName } = request.body;
    const name = optionalName(displayName ?? "", "displayName", 20); // shown to staff: never a phone number (PHONE_IN_NAME)
    // A resident signs in for a community: it must exist and be one (not a district or an association).
    const community = (await clients.registry.getOrganization({ orgId: communityId }, { actor: gatewayActor, correlationId: request.id })).organization;
    if (community?.kind !== OrgKind.COMMUNITY) throw kepuError("invalid", "NOT_A_COMMUNITY", "请选择您所在的社区", "Choose the community you live in", "communityId");
    return deps.tokens.issue(await deps.codes.signIn(phone, code, communityId, name));
  });
  app.post("/api/v1/auth/refresh", { schema: { tags, body: strictObject({ refreshToken: text(200) }), response: answers(tokenPair) } }, async (request) => deps.tokens.refresh(request.body.refreshToken));
  app.get("/api/v1/me", { schema: { tags, ...secured, response: answers(me) } }, async (request) => {
    const caller = signedIn(request);
    return { ...caller, role: Role[caller.role] ?? String(caller.role) };
  });
};

export default auth;
