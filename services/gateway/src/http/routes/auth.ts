// Sign-in: staff with a password, residents with a one-time code for the community they picked
// (routes/registry.ts's open lookups); refresh; who am I; a resident's move to another community.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { optionalName } from "@kepu/input";
import { answers, id, secured, strictObject, text } from "../schemas.js";
import { callerFor } from "../app.js";
import { gatewayActor, signedIn, type RouteOptions } from "./context.js";

const tokenPair = Type.Object({ accessToken: Type.String(), refreshToken: Type.String(), expiresIn: Type.Integer({ description: "秒 / seconds" }) });
const roleNames = Object.keys(Role).filter((k) => isNaN(Number(k)));
const me = Type.Object({ id: Type.String(), role: Type.Unsafe<string>({ type: "string", enum: roleNames }), orgId: Type.String(), displayName: Type.String() });

const auth: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps, clients }) => {
  const tags = ["auth"];
  /** A resident lives in a community: it must exist, be one (not a district or an association) and be open. Asked before anyone is signed in. */
  async function requireCommunity(communityId: string, correlationId: string): Promise<void> {
    const community = (await clients.registry.getOrganization({ orgId: communityId }, { actor: gatewayActor, correlationId })).organization;
    if (community?.kind !== OrgKind.COMMUNITY || community.closed) throw kepuError("invalid", "NOT_A_COMMUNITY", "请选择您所在的社区", "Choose the community you live in", "communityId");
  }
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
    await requireCommunity(communityId, request.id);
    const resident = await deps.codes.signIn(phone, code, communityId, name);
    await deps.residents.signedIn(resident.id, phone, communityId, resident.displayName); // for 代点单: her community's workers find her by name
    return deps.tokens.issue(resident);
  });
  // A resident moves to another community (picked like at sign-in): recorded with the date, and a new token for it.
  const moved = Type.Object({ ...tokenPair.properties, fromCommunityId: Type.String(), toCommunityId: Type.String(), movedAt: Type.String({ format: "date-time" }) });
  app.post("/api/v1/me/community", { schema: { tags, ...secured, body: strictObject({ communityId: id("新的社区 / the new community") }), response: answers(moved) } }, async (request) => {
    const caller = callerFor(request, [Role.RESIDENT]);
    const { communityId } = request.body;
    await requireCommunity(communityId, request.id);
    const move = await deps.residentMoves.record(caller.id, caller.orgId, communityId, { actor: caller, correlationId: request.id });
    await deps.residents.moved(caller.id, communityId);
    const tokens = await deps.tokens.issue({ ...caller, orgId: communityId });
    return { ...tokens, fromCommunityId: move.fromCommunityId, toCommunityId: move.toCommunityId, movedAt: move.movedAt.toISOString() };
  });
  app.post("/api/v1/auth/refresh", { schema: { tags, body: strictObject({ refreshToken: text(200) }), response: answers(tokenPair) } }, async (request) => deps.tokens.refresh(request.body.refreshToken));
  app.get("/api/v1/me", { schema: { tags, ...secured, response: answers(me) } }, async (request) => {
    const caller = signedIn(request);
    return { ...caller, role: Role[caller.role] ?? String(caller.role) };
  });
};

export default auth;
