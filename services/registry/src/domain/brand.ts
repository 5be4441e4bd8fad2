// The brand aggregate (一社区一科普品牌): a community's own science-outreach brand — its name, theme,
// 示范点 (a certified base) and partner bases — and its annual plans (target activities by theme and
// Beijing month, the audiences it serves). Pure: decide / evolve, refusals as values.
import { fail, kepuError, ok, type KepuError, type Result } from "@kepu/errors";
import { Audience, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { Place } from "./org-tree.js";

export interface BrandTarget {
  theme: Theme;
  /** 1–12, a Beijing month. */
  month: number;
  /** Activities to hold that month on that theme. */
  target: number;
}

/** An annual plan as the community's worker sets it. */
export interface BrandPlanInput {
  year: number;
  targets: BrandTarget[];
  audiences: Audience[];
}

/** 待审批 → 已批准, or 退回修改 with a comment; setting the plan again makes it await approval again. */
export type PlanStatus = "awaitingApproval" | "approved" | "returned";

export interface BrandPlan extends BrandPlanInput {
  status: PlanStatus;
  /** The reviewer's comment; always given when returned. */
  reviewComment: string;
  /** The street or district association that reviewed it last. */
  reviewerOrgId: string;
}

export interface BrandState {
  /** The community: one brand per community, its id the brand's. */
  communityId: string;
  name: string;
  theme: Theme;
  /** 示范点: a base of the registry. */
  demoBaseId: string;
  partnerBaseIds: string[];
  slogan: string;
  place: Place;
  /** Annual plans by year. */
  plans: Record<number, BrandPlan>;
}

export type BrandCommand =
  | { type: "define"; communityId: string; name: string; theme: Theme; demoBaseId: string; partnerBaseIds: string[]; slogan: string }
  | ({ type: "setPlan" } & BrandPlanInput)
  | { type: "reviewPlan"; year: number; approve: boolean; comment: string; reviewerOrgId: string };

/** What the use case loaded: the community (define), and which of the bases named exist. */
export interface BrandContext {
  community?: OrgState | undefined;
  existingBaseIds?: ReadonlySet<string>;
}

export type BrandEvent =
  | { type: "BrandDefined"; communityId: string; name: string; theme: Theme; demoBaseId: string; partnerBaseIds: string[]; slogan: string; place: Place }
  | ({ type: "BrandPlanSet"; communityId: string } & BrandPlanInput)
  | { type: "BrandPlanReviewed"; communityId: string; year: number; approved: boolean; comment: string; reviewerOrgId: string };

export const MAX_TARGET = 1000;
const MAX_PARTNERS = 20;

const invalid = (code: string, zh: string, en: string, field: string): Result<never> => fail(kepuError("invalid", code, zh, en, field));
const isTheme = (value: number) => value !== Theme.UNSPECIFIED && Theme[value] !== undefined;
const isAudience = (value: number) => value !== Audience.UNSPECIFIED && Audience[value] !== undefined;

/** Each of `ids` must be a base of the registry; none twice. */
function checkBases(ids: string[], existing: ReadonlySet<string>, field: string): KepuError | undefined {
  for (const id of ids) {
    if (!existing.has(id)) return registryErrors.notFound("bases", id, field);
  }
  if (new Set(ids).size !== ids.length) return kepuError("invalid", "DUPLICATE_BASE", "同一个基地只能列一次", "List each base once", field);
  return undefined;
}

function define(state: BrandState | undefined, command: Extract<BrandCommand, { type: "define" }>, context: BrandContext): Result<BrandEvent[]> {
  const community = context.community;
  if (!community || community.closed) return fail(registryErrors.notFound("organizations", command.communityId, "communityId"));
  if (community.kind !== OrgKind.COMMUNITY) return fail(registryErrors.notACommunity("communityId"));
  const name = command.name.trim();
  if (!name || [...name].length > 40) return invalid("BRAND_NAME_REQUIRED", "请填写 1 到 40 字的品牌名称", "Give the brand a name of 1 to 40 characters", "name");
  if (!isTheme(command.theme)) return invalid("THEME_REQUIRED", "请选择品牌的科普主题", "Choose the brand's theme", "theme");
  if (!command.demoBaseId) return invalid("DEMO_BASE_REQUIRED", "请选择科普示范点", "Choose the demonstration site (示范点)", "demoBaseId");
  if (command.partnerBaseIds.length > MAX_PARTNERS) return invalid("TOO_MANY_PARTNERS", `合作基地最多 ${MAX_PARTNERS} 个`, `At most ${MAX_PARTNERS} partner bases`, "partnerBaseIds");
  if (command.partnerBaseIds.includes(command.demoBaseId)) return invalid("DEMO_BASE_AS_PARTNER", "示范点不必再列为合作基地", "The demonstration site is not also a partner base", "partnerBaseIds");
  const existing = context.existingBaseIds ?? new Set<string>();
  const badBase = checkBases([command.demoBaseId], existing, "demoBaseId") ?? checkBases(command.partnerBaseIds, existing, "partnerBaseIds");
  if (badBase) return fail(badBase);
  const slogan = command.slogan.trim();
  if ([...slogan].length > 100) return invalid("SLOGAN_TOO_LONG", "品牌口号最多 100 字", "The slogan is at most 100 characters", "slogan");
  const event: BrandEvent = { type: "BrandDefined", communityId: community.orgId, name, theme: command.theme, demoBaseId: command.demoBaseId, partnerBaseIds: [...command.partnerBaseIds], slogan, place: community.place };
  const same = state && state.name === name && state.theme === event.theme && state.demoBaseId === event.demoBaseId && state.slogan === slogan && state.partnerBaseIds.join() === event.partnerBaseIds.join();
  return ok(same ? [] : [event]);
}

/** An annual plan as asked: a year, months 1–12, targets whole numbers ≥ 0, catalog themes and audiences, each theme × month once. */
export function checkPlan(plan: BrandPlanInput): Result<BrandPlanInput> {
  if (!Number.isInteger(plan.year) || plan.year < 2000 || plan.year > 2100) return invalid("BAD_YEAR", "请填写计划年度，例如 2026", "Give the plan's year, e.g. 2026", "year");
  const seen = new Set<string>();
  for (const [i, t] of plan.targets.entries()) {
    if (!isTheme(t.theme)) return invalid("THEME_REQUIRED", `第 ${i + 1} 行：请选择科普主题`, `Row ${i + 1}: choose a theme`, `targets[${i}].theme`);
    if (!Number.isInteger(t.month) || t.month < 1 || t.month > 12) return invalid("BAD_MONTH", `第 ${i + 1} 行：月份应为 1 到 12`, `Row ${i + 1}: the month is 1 to 12`, `targets[${i}].month`);
    if (!Number.isInteger(t.target) || t.target < 0 || t.target > MAX_TARGET) return invalid("BAD_TARGET", `第 ${i + 1} 行：目标场次应为 0 到 ${MAX_TARGET} 的整数`, `Row ${i + 1}: the target is a whole number from 0 to ${MAX_TARGET}`, `targets[${i}].target`);
    const key = `${t.theme}-${t.month}`;
    if (seen.has(key)) return invalid("DUPLICATE_TARGET", `第 ${i + 1} 行：同一主题同一月份只能有一个目标`, `Row ${i + 1}: one target per theme and month`, `targets[${i}]`);
    seen.add(key);
  }
  for (const a of plan.audiences) if (!isAudience(a)) return invalid("BAD_AUDIENCE", "请选择目录中的服务人群", "Choose audiences from the catalog", "audiences");
  const targets = [...plan.targets].sort((a, b) => a.theme - b.theme || a.month - b.month).map(({ theme, month, target }) => ({ theme, month, target }));
  return ok({ year: plan.year, targets, audiences: [...new Set(plan.audiences)] });
}

const MAX_COMMENT = 200;

/** 审批: approve a plan awaiting approval (again: nothing), or return any plan with a comment. */
function reviewPlan(state: BrandState, command: Extract<BrandCommand, { type: "reviewPlan" }>): Result<BrandEvent[]> {
  const plan = state.plans[command.year];
  if (!plan) return fail(kepuError("conflict", "PLAN_NOT_SET", `${command.year} 年的计划尚未制定，无可审批`, `There is no ${command.year} plan to review yet`, "year"));
  const comment = command.comment.trim();
  if ([...comment].length > MAX_COMMENT) return invalid("COMMENT_TOO_LONG", `审批意见最多 ${MAX_COMMENT} 字`, `A review comment is at most ${MAX_COMMENT} characters`, "comment");
  if (!command.approve && !comment) return invalid("COMMENT_REQUIRED", "退回修改时请写明意见", "Say what to change when returning a plan", "comment");
  if (command.approve && plan.status === "approved") return ok([]);
  if (command.approve && plan.status === "returned") return fail(kepuError("conflict", "PLAN_RETURNED", "该计划已退回修改，请等社区修改后再审批", "The plan was returned; approve it once the community has changed it", "year"));
  return ok([{ type: "BrandPlanReviewed", communityId: state.communityId, year: command.year, approved: command.approve, comment, reviewerOrgId: command.reviewerOrgId }]);
}

export function decide(state: BrandState | undefined, command: BrandCommand, context: BrandContext = {}): Result<BrandEvent[]> {
  if (command.type === "define") return define(state, command, context);
  if (!state) return fail(kepuError("conflict", "BRAND_NOT_DEFINED", "请先设立社区科普品牌，再制定年度计划", "Define the community's brand before its annual plan", "communityId"));
  if (command.type === "reviewPlan") return reviewPlan(state, command);
  const plan = checkPlan(command);
  if (!plan.ok) return plan;
  return ok([{ type: "BrandPlanSet", communityId: state.communityId, ...plan.value }]);
}

export function evolve(state: BrandState | undefined, event: BrandEvent): BrandState {
  if (event.type === "BrandDefined") {
    const { type: _t, ...brand } = event;
    return { ...brand, plans: state?.plans ?? {} };
  }
  if (!state) throw new Error(`${event.type} before BrandDefined`);
  if (event.type === "BrandPlanReviewed") {
    const plan = state.plans[event.year]!;
    const reviewed: BrandPlan = { ...plan, status: event.approved ? "approved" : "returned", reviewComment: event.comment, reviewerOrgId: event.reviewerOrgId };
    return { ...state, plans: { ...state.plans, [event.year]: reviewed } };
  }
  const { type: _t, communityId: _c, ...input } = event;
  const plan: BrandPlan = { ...input, status: "awaitingApproval", reviewComment: "", reviewerOrgId: "" };
  return { ...state, plans: { ...state.plans, [plan.year]: plan } };
}

/** The plan of a year, or an empty one. */
export const planOf = (state: BrandState, year: number): BrandPlan => state.plans[year] ?? { year, targets: [], audiences: [], status: "awaitingApproval", reviewComment: "", reviewerOrgId: "" };
