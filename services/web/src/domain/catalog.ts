// The 《科普资源名录》 and the menu as the staff pages need them: resource kinds, review statuses and
// weekdays by name (never the API's codes on a screen), the registry's rule of what edit is material
// (services/registry/src/domain/resource-review.ts, so the owner is told before saving), and the
// checks the registry makes of a resource and a menu item, run in the browser first.
import type { Resource as ApiResource } from "../api/types";
import type { Locale } from "./labels";

type Bilingual = Record<string, [zh: string, en: string]>;

export const resourceKinds: Bilingual = {
  VENUE: ["场馆", "Venue"],
  FACILITY: ["设施", "Facility"],
  EQUIPMENT: ["设备", "Equipment"],
  WORK: ["作品", "Work"],
  PRODUCT: ["产品", "Product"],
  INFORMATION: ["信息", "Information"],
  EXPERT: ["专家", "Expert"],
};

export const resourceStatuses: Bilingual = {
  PENDING: ["待审核", "Pending review"],
  PUBLISHED: ["已发布", "Published"],
  REJECTED: ["未通过", "Rejected"],
  CHANGES_REQUESTED: ["待修改", "Changes asked for"],
};

export const weekdays: Bilingual = { "1": ["周一", "Mon"], "2": ["周二", "Tue"], "3": ["周三", "Wed"], "4": ["周四", "Thu"], "5": ["周五", "Fri"], "6": ["周六", "Sat"], "7": ["周日", "Sun"] };

/** The words for a code such as "RESOURCE_KIND_VENUE" or "RESOURCE_STATUS_PENDING" (or a bare "VENUE", a weekday "6"). */
export function catalogWord(table: Bilingual, code: string | number, locale: Locale): string {
  const entry = table[String(code).replace(/^RESOURCE_(KIND|STATUS)_/, "")];
  return entry ? entry[locale === "zh" ? 0 : 1] : String(code);
}

/** The days a resource is available, by name: 周六、周日 (or 每天 / every day). */
export function dayWords(days: readonly number[], locale: Locale): string {
  if (days.length === 7) return locale === "zh" ? "每天" : "Every day";
  return [...days].sort((a, b) => a - b).map((d) => catalogWord(weekdays, d, locale)).join(locale === "zh" ? "、" : ", ");
}

/** A resource's profile as the forms keep it (the API's ResourceProfile, availability flattened). */
export interface ResourceForm {
  kind: string;
  name: string;
  description: string;
  capacity: number;
  themes: string[];
  areaOrgIds: string[];
  weekdays: number[];
  availabilityNote: string;
  openToOthers: boolean;
}

/** A resource as the API answers it. */
export type Resource = ApiResource;

/** What a form is filled from: a resource as answered (a test's may leave out what it does not need). */
type ResourceFields = Pick<Resource, "name"> & Partial<Omit<Resource, "name" | "profile">> & { profile?: Partial<Omit<Profile, "availability">> & { availability?: Partial<NonNullable<Profile["availability"]>> } };
type Profile = NonNullable<Resource["profile"]>;

export const emptyResource = (): ResourceForm => ({ kind: "RESOURCE_KIND_VENUE", name: "", description: "", capacity: 0, themes: [], areaOrgIds: [], weekdays: [], availabilityNote: "", openToOthers: true });

export function formOf(r: ResourceFields): ResourceForm {
  const p: NonNullable<ResourceFields["profile"]> = r.profile ?? {};
  return { kind: r.kind ?? "", name: r.name, description: p.description ?? "", capacity: r.capacity ?? 0, themes: p.themes ?? [], areaOrgIds: p.areaOrgIds ?? [], weekdays: p.availability?.weekdays ?? [], availabilityNote: p.availability?.note ?? "", openToOthers: p.openToOthers ?? false };
}

const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));

/** The registry's rule: capacity, kind, the area served or when it is available changed — it goes back to review. */
export function isMaterial(before: ResourceForm, after: ResourceForm): boolean {
  return before.capacity !== after.capacity || before.kind !== after.kind || !sameSet(before.areaOrgIds, after.areaOrgIds) || !sameSet(before.weekdays, after.weekdays) || before.availabilityNote.trim() !== after.availabilityNote.trim();
}

/** What is wrong with a resource before it is sent, by the field's label, in the reader's language; "" when it may be sent. */
export function resourceProblem(form: ResourceForm, locale: Locale): string {
  const say = (zh: string, en: string) => (locale === "zh" ? zh : en);
  const name = form.name.trim();
  if (!name || [...name].length > 100) return say("请填写 1 到 100 字的资源名称", "The name must be 1 to 100 characters");
  if (!form.kind) return say("请选择资源类型", "Choose the kind of resource");
  if (form.kind.endsWith("VENUE") && form.capacity < 1) return say("场馆须填写容纳人数", "A venue needs its capacity");
  if (form.areaOrgIds.length === 0) return say("请选择服务范围", "Choose the area it serves");
  return "";
}

/** A menu item's content as the form keeps it. */
export interface ItemForm {
  title: string;
  description: string;
  theme: string;
  format: string;
  audiences: string[];
  durationMinutes: number;
  capacity: number;
  leadTimeDays: number;
  serviceAreaOrgId: string;
  resourceIds: string[];
}

/** What checkMenuItem (services/registry/src/domain/menu.ts) would refuse, in the reader's language; "" when it may be sent. */
export function itemProblem(form: ItemForm, locale: Locale): string {
  const say = (zh: string, en: string) => (locale === "zh" ? zh : en);
  if (!form.title.trim() || [...form.title.trim()].length > 100) return say("请填写 1 到 100 字的标题", "The title must be 1 to 100 characters");
  if (!form.theme) return say("请选择科普主题", "Choose a theme");
  if (!form.format) return say("请选择服务形式", "Choose a format");
  if (form.durationMinutes < 10 || form.durationMinutes > 1440) return say("时长须在 10 分钟到 24 小时之间", "Duration must be 10 minutes to 24 hours");
  if (form.capacity < 1 || form.capacity > 100_000) return say("容纳人数须在 1 到 100000 之间", "Capacity must be 1 to 100000");
  if (form.leadTimeDays < 0 || form.leadTimeDays > 365) return say("提前预约天数须在 0 到 365 之间", "Lead time must be 0 to 365 days");
  if (!form.serviceAreaOrgId) return say("请选择服务范围", "Choose the service area");
  return "";
}
