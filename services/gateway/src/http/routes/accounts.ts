// Staff accounts (PRODUCT.md, "Who owns what"): created, listed, disabled, enabled and reset by
// admins and by associations within their subtree, with roles no higher than their own; and the
// owner's own password change. Accounts are the gateway's own data, so the gateway is the owning
// service here: it authorizes with @kepu/access itself, before anything is written.
//
// Must-change: an account made here (or reset) has an initial password the owner must change
// before anything else. Sign-in with it answers 403 PASSWORD_CHANGE_REQUIRED (only once the
// password was right) and issues no token; POST /api/v1/auth/change-password takes the account,
// the current password and a new one, and answers the token pair. So no token exists that could
// do anything while the password is still the initial one.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { accessErrors, can, listScope, mayGrantRole, requireAccess, roleMay, teamPeople } from "@kepu/access";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { optionalName } from "@kepu/input";
import { accountErrors, type AccountView } from "../../auth/accounts.js";
import type { Caller } from "../../auth/tokens.js";
import { answers, idempotencyHeader, paging, params, secured, strictObject, text } from "../schemas.js";
import { gatewayActor, signedIn, type RouteOptions } from "./context.js";

/** The roles an account can be given (residents sign in with a code; the platform's own actor is no account). */
const accountRoles = Object.keys(Role).filter((k) => isNaN(Number(k)) && !["UNSPECIFIED", "RESIDENT", "SYSTEM"].includes(k));
const roleName = Type.Unsafe<string>({ type: "string", enum: accountRoles, description: "角色 / role" });
const statusName = Type.Union([Type.Literal("active"), Type.Literal("disabled")]);
const accountName = Type.String({ pattern: "^[a-z0-9][a-z0-9._-]{2,31}$", description: "账号名（登录用）/ the account name, to sign in with" });

const accountSchema = Type.Object({
  account: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  orgId: Type.String(),
  path: Type.Array(Type.String(), { description: "组织路径，从市到账号所属组织 / the org's path from the root" }),
  status: statusName,
  mustChangePassword: Type.Boolean({ description: "下次登录前须修改密码 / must change the password before signing in" }),
  createdAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  createdBy: Type.String(),
});
const withPassword = Type.Object({ account: accountSchema, initialPassword: Type.String({ description: "只显示这一次 / shown this once" }) });
const tokenPair = Type.Object({ accessToken: Type.String(), refreshToken: Type.String(), expiresIn: Type.Integer({ description: "秒 / seconds" }) });

const json = (a: AccountView) => ({ ...a, role: Role[a.role] ?? String(a.role), createdAt: a.createdAt ? a.createdAt.toISOString() : null });

/** The org each ladder role acts for must be of its kind; other roles (bases, viewers) may sit at any org. */
const kindOfRole: Partial<Record<Role, OrgKind>> = { [Role.COMMUNITY_WORKER]: OrgKind.COMMUNITY, [Role.STREET_STAFF]: OrgKind.STREET, [Role.DISTRICT_STAFF]: OrgKind.DISTRICT, [Role.CITY_STAFF]: OrgKind.CITY };
const errors = {
  roleTooHigh: () => kepuError("forbidden", "ROLE_TOO_HIGH", "不能授予高于您自己的角色", "You cannot give a role higher than your own", "role"),
  noOrg: () => kepuError("invalid", "ORG_NOT_FOUND", "找不到该组织（队伍角色请填队伍编号）", "No such organization (for team roles, give the team's id)", "orgId"),
  wrongKind: () => kepuError("invalid", "ROLE_ORG_MISMATCH", "该角色与组织类型不符（如社区工作者须属于社区）", "The role does not fit the org's kind (a community worker acts for a community)", "orgId"),
  self: () => kepuError("invalid", "NOT_YOUR_OWN", "不能停用或重置自己的账号", "You cannot disable or reset your own account", "account"),
  demoOnly: () => kepuError("forbidden", "MUST_CHANGE_REQUIRED", "只有管理员可以免除首次修改密码", "Only an admin may waive the first password change", "mustChangePassword"),
};

const accounts: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { deps, clients }) => {
  const tags = ["accounts"];

  /** A staff member whose role may ever keep accounts (else 403 before anything is looked up). */
  const keeper = (request: FastifyRequest, action: "account.read" | "account.change"): Caller => {
    const who = signedIn(request);
    if (!roleMay(action, who.role)) throw accessErrors.role();
    return who;
  };
  /** Whether the caller may give (or act on) an account with this role. */
  const mayHandle = (who: Caller, role: Role) => who.role === Role.ADMIN || mayGrantRole(who.role, role);

  /** Where the account's org sits: an org of the tree, or a team (its org's path, then the team). */
  async function pathFor(request: FastifyRequest, role: Role, orgId: string): Promise<string[]> {
    const options = { actor: gatewayActor, correlationId: request.id };
    if (teamPeople.includes(role)) {
      const team = (await clients.registry.getTeam({ teamId: orgId }, options).catch(() => undefined))?.team;
      if (!team?.place) throw errors.noOrg();
      return [...team.place.path, team.teamId];
    }
    const org = (await clients.registry.getOrganization({ orgId }, options).catch(() => undefined))?.organization;
    if (!org?.place) throw errors.noOrg();
    const kind = kindOfRole[role];
    if (kind !== undefined && org.kind !== kind) throw errors.wrongKind();
    return org.place.path;
  }

  /** The account the caller acts on: not found unless readable, refused unless changeable. */
  async function target(request: FastifyRequest, who: Caller, account: string): Promise<AccountView> {
    const found = await deps.accounts.get(account);
    if (!found || !can("account.read", who, { path: found.path })) throw accountErrors.notFound();
    requireAccess("account.change", who, { path: found.path });
    if (!mayHandle(who, found.role)) throw errors.roleTooHigh();
    if (found.account === who.id) throw errors.self();
    return found;
  }

  const create = strictObject({
    account: accountName,
    displayName: text(40, "显示名，不含手机号 / display name, never a phone number"),
    role: roleName,
    orgId: Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,120}$", description: "所属组织（队伍角色为队伍编号）/ the org it acts for (a team's id for team roles)" }),
    initialPassword: Type.Optional(Type.String({ minLength: 8, maxLength: 128, description: "不填则生成 / generated when left out" })),
    mustChangePassword: Type.Optional(Type.Boolean({ description: "默认 true；仅管理员可设为 false（演示数据）/ default true; only an admin may set false (the demo data)" })),
  });
  app.post("/api/v1/accounts", { config: { idempotent: true }, schema: { tags, summary: "创建员工账号 / Create a staff account", ...secured, headers: idempotencyHeader, body: create, response: answers(withPassword) } }, async (request) => {
    const who = keeper(request, "account.change");
    const body = request.body;
    const role = Role[body.role as keyof typeof Role];
    if (!mayHandle(who, role)) throw errors.roleTooHigh();
    const path = await pathFor(request, role, body.orgId);
    requireAccess("account.change", who, { path });
    if (body.mustChangePassword === false && who.role !== Role.ADMIN) throw errors.demoOnly();
    const displayName = optionalName(body.displayName, "displayName", 40) || body.account;
    const made = await deps.accounts.add({ account: body.account, displayName, role, orgId: body.orgId, path, password: body.initialPassword, mustChangePassword: body.mustChangePassword ?? true, createdBy: who.id }, { actor: who, correlationId: request.id });
    return { account: json(made.account), initialPassword: made.password };
  });

  const query = Type.Object(
    {
      q: Type.Optional(text(40, "按账号名或显示名搜索 / search by account or display name")),
      orgId: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,120}$", description: "该组织及其下级 / this org and its subtree" })),
      role: Type.Optional(roleName),
      status: Type.Optional(statusName),
      ...paging,
    },
    { additionalProperties: false },
  );
  app.get("/api/v1/accounts", { schema: { tags, summary: "员工账号列表 / Staff accounts, paged", ...secured, querystring: query, response: answers(Type.Object({ accounts: Type.Array(accountSchema), page: Type.Integer(), pageSize: Type.Integer(), total: Type.Integer() })) } }, async (request) => {
    const who = keeper(request, "account.read");
    const scope = listScope("account.read", who); // associations: their subtree (the only scope the matrix gives)
    const { q, orgId, role, status, page = 0, pageSize = 50 } = request.query;
    const found = await deps.accounts.list({ search: q?.trim(), orgId, role: role ? Role[role as keyof typeof Role] : undefined, status, withinOrgs: scope.all ? undefined : [who.orgId] }, page, pageSize);
    return { accounts: found.accounts.map(json), page, pageSize, total: found.total };
  });

  const one = { tags, ...secured, params: params("account") };
  app.post("/api/v1/accounts/:account/disable", { schema: { ...one, summary: "停用账号 / Disable an account", response: answers(Type.Object({ account: accountSchema })) } }, async (request) => {
    const who = keeper(request, "account.change");
    await target(request, who, request.params.account);
    return { account: json(await deps.accounts.setStatus(request.params.account, "disabled", { actor: who, correlationId: request.id })) };
  });
  app.post("/api/v1/accounts/:account/enable", { schema: { ...one, summary: "启用账号 / Enable an account", response: answers(Type.Object({ account: accountSchema })) } }, async (request) => {
    const who = keeper(request, "account.change");
    await target(request, who, request.params.account);
    return { account: json(await deps.accounts.setStatus(request.params.account, "active", { actor: who, correlationId: request.id })) };
  });
  app.post("/api/v1/accounts/:account/reset-password", { schema: { ...one, summary: "重置密码（新密码只显示一次）/ Reset the password (shown once)", response: answers(withPassword) } }, async (request) => {
    const who = keeper(request, "account.change");
    await target(request, who, request.params.account);
    const reset = await deps.accounts.resetPassword(request.params.account, { actor: who, correlationId: request.id });
    return { account: json(reset.account), initialPassword: reset.password };
  });

  const change = strictObject({ account: text(64), currentPassword: text(128), newPassword: text(128) });
  app.post("/api/v1/auth/change-password", { schema: { tags: ["auth"], summary: "修改自己的密码（首次登录必须）/ Change one's own password (required at the first sign-in)", body: change, response: answers(tokenPair) } }, async (request) => {
    const { account, currentPassword, newPassword } = request.body;
    return deps.tokens.issue(await deps.accounts.changePassword(account, currentPassword, newPassword, request.id));
  });
};

export default accounts;
