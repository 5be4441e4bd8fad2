// Every filter of a slice and every breakdown dimension, as tables over the same facts: the
// figure a filter gives is the count of the facts that have that value, nothing else.
import { describe, expect, it } from "vitest";
import { calendarIn } from "@kepu/calendar";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { breakdown, computeFigures, type ActivityFact, type Dimension, type Facts, type MenuFact, type OrderFact, type OrgFact } from "../src/domain/figures.js";
import { label, themeName } from "../src/domain/labels.js";
import { localDate, resolveSlice, type Slice, type SliceInput } from "../src/domain/slice.js";

const beijing = calendarIn("Asia/Shanghai");
const place = (district: string, street: string, community: string) => ({ path: ["sz", district, street, community], districtId: district, streetId: street, communityId: community });
const hongli = place("sz-futian", "sz-futian-yl", "sz-futian-yl-hongli");
const yuanling = place("sz-futian", "sz-futian-yl", "sz-futian-yl-c2");
const nanshan = place("sz-nanshan", "sz-nanshan-ns", "sz-nanshan-ns-c1");
const at = (iso: string) => new Date(iso);

const order = (orderId: string, where: ReturnType<typeof place>, theme: number, audience: number, format: number, submitted: string, extra: Partial<OrderFact> = {}): OrderFact => ({
  orderId, status: "SUBMITTED", theme, audience, format, ...where, campaignId: "", submittedAt: at(submitted), declines: 0, escalations: 0, ...extra,
});
const activity = (activityId: string, where: ReturnType<typeof place>, theme: number, audience: number, format: number, starts: string, extra: Partial<ActivityFact> = {}): ActivityFact => ({
  activityId, theme, audience, format, ...where, campaignId: "", startsAt: at(starts), sessions: 1, status: "COMPLETED", participants: 10, residents: [], serviceHours: 2, ...extra,
});
const org = (orgId: string, kind: OrgKind, name: string, path: string[]): OrgFact => ({ orgId, kind, name, path });
const orgs: OrgFact[] = [
  org("sz", OrgKind.CITY, "深圳市", ["sz"]),
  org("sz-futian", OrgKind.DISTRICT, "福田区", ["sz", "sz-futian"]),
  org("sz-futian-yl", OrgKind.STREET, "园岭街道", ["sz", "sz-futian", "sz-futian-yl"]),
  org("sz-futian-yl-hongli", OrgKind.COMMUNITY, "红荔社区", hongli.path),
  org("sz-futian-yl-c2", OrgKind.COMMUNITY, "百花社区", yuanling.path),
  org("sz-nanshan", OrgKind.DISTRICT, "南山区", ["sz", "sz-nanshan"]),
  org("sz-nanshan-ns", OrgKind.STREET, "南山街道", ["sz", "sz-nanshan", "sz-nanshan-ns"]),
  org("sz-nanshan-ns-c1", OrgKind.COMMUNITY, "荔林社区", nanshan.path),
];
const item = (itemId: string, theme: number, areaOrgId: string, extra: Partial<MenuFact> = {}): MenuFact => ({ itemId, theme, format: Format.EXPERT_TALK, audiences: [Audience.ELDERLY], areaOrgId, withdrawn: false, ...extra });

// Two communities of Futian and one of Nanshan; two themes, audiences, formats; September and October 2027 (Beijing).
const facts: Facts = {
  orders: [
    order("o1", hongli, Theme.HEALTH, Audience.ELDERLY, Format.EXPERT_TALK, "2027-09-03T10:00+08:00", { campaignId: "kepu-month-2027" }),
    order("o2", hongli, Theme.HEALTH, Audience.YOUTH, Format.HANDS_ON, "2027-09-30T23:30+08:00"), // 15:30 UTC: still September in Beijing
    order("o3", yuanling, Theme.DIGITAL_LITERACY, Audience.ELDERLY, Format.HANDS_ON, "2027-10-01T00:30+08:00"), // 30 September in UTC
    order("o4", nanshan, Theme.DIGITAL_LITERACY, Audience.YOUTH, Format.EXPERT_TALK, "2027-10-12T09:00+08:00", { status: "DELIVERED" }),
  ],
  activities: [
    activity("a1", hongli, Theme.HEALTH, Audience.ELDERLY, Format.EXPERT_TALK, "2027-09-20T09:00+08:00", { campaignId: "kepu-month-2027" }),
    activity("a2", yuanling, Theme.DIGITAL_LITERACY, Audience.ELDERLY, Format.HANDS_ON, "2027-10-08T14:00+08:00"),
    activity("a3", nanshan, Theme.DIGITAL_LITERACY, Audience.YOUTH, Format.EXPERT_TALK, "2027-10-15T09:00+08:00"),
    activity("a4", nanshan, Theme.HEALTH, Audience.YOUTH, Format.EXPERT_TALK, "2027-10-16T09:00+08:00", { status: "CANCELLED" }),
  ],
  menu: [
    item("m-sz", Theme.HEALTH, "sz"), // city-wide
    item("m-ft", Theme.DIGITAL_LITERACY, "sz-futian", { format: Format.HANDS_ON, audiences: [Audience.ELDERLY, Audience.YOUTH] }),
    item("m-hl", Theme.HEALTH, "sz-futian-yl-hongli", { audiences: [Audience.YOUTH] }),
    item("m-ns", Theme.DIGITAL_LITERACY, "sz-nanshan"),
    item("m-gone", Theme.HEALTH, "sz-nanshan", { withdrawn: true }),
  ],
  communities: orgs.filter((o) => o.kind === OrgKind.COMMUNITY),
  orgs,
};
const all: Slice = { orgId: "", theme: 0, audience: 0, format: 0, campaignId: "" };
const september = beijing.window({ year: 2027, month: 9, day: 1 }, { year: 2027, month: 9, day: 30 });
const figures = (slice: Partial<Slice>) => computeFigures(facts, { ...all, ...slice }, themeName);

describe("every filter of a slice", () => {
  it.each<[string, Partial<Slice>, number, number]>([
    ["nothing", {}, 4, 3],
    ["district 福田", { orgId: "sz-futian" }, 3, 2],
    ["street 园岭", { orgId: "sz-futian-yl" }, 3, 2],
    ["community 红荔", { orgId: "sz-futian-yl-hongli" }, 2, 1],
    ["theme 卫生健康", { theme: Theme.HEALTH }, 2, 1],
    ["theme 数字素养", { theme: Theme.DIGITAL_LITERACY }, 2, 2],
    ["audience 老年人", { audience: Audience.ELDERLY }, 2, 2],
    ["audience 青少年", { audience: Audience.YOUTH }, 2, 1],
    ["format 专家讲座", { format: Format.EXPERT_TALK }, 2, 2],
    ["format 互动体验", { format: Format.HANDS_ON }, 2, 1],
    ["campaign 科普月", { campaignId: "kepu-month-2027" }, 1, 1],
    ["September in Beijing", september, 2, 1],
    ["district and theme and September", { orgId: "sz-futian", theme: Theme.HEALTH, ...september }, 2, 1],
    ["a theme nobody asked for", { theme: Theme.NUCLEAR }, 0, 0],
  ])("%s: orders and activities counted", (_, slice, orders, activities) => {
    const f = figures(slice);
    expect([f.orders, f.activities]).toEqual([orders, activities]);
  });

  it.each<[string, Partial<Slice>, Record<string, number>]>([
    ["the whole city: every item not withdrawn", {}, { "卫生健康/健康养生": 2, "智慧生活/数字素养": 2 }],
    ["深圳 (the city)", { orgId: "sz" }, { "卫生健康/健康养生": 2, "智慧生活/数字素养": 2 }],
    ["南山: the city's item and its own", { orgId: "sz-nanshan" }, { "卫生健康/健康养生": 1, "智慧生活/数字素养": 1 }],
    ["红荔: the city's, Futian's and its own", { orgId: "sz-futian-yl-hongli" }, { "卫生健康/健康养生": 2, "智慧生活/数字素养": 1 }],
    ["百花: not 红荔's own item", { orgId: "sz-futian-yl-c2" }, { "卫生健康/健康养生": 1, "智慧生活/数字素养": 1 }],
    ["红荔, for youth", { orgId: "sz-futian-yl-hongli", audience: Audience.YOUTH }, { "卫生健康/健康养生": 1, "智慧生活/数字素养": 1 }],
    ["红荔, hands-on", { orgId: "sz-futian-yl-hongli", format: Format.HANDS_ON }, { "智慧生活/数字素养": 1 }],
  ])("menu supply is limited to the items serving the slice: %s", (_, slice, supply) => {
    expect(figures(slice).supplyByTheme).toEqual(supply);
  });
});

describe("every breakdown dimension, with names", () => {
  const rows = (dimension: Dimension, slice: Partial<Slice> = {}) => breakdown(facts, { ...all, ...slice }, dimension, label, beijing).map((r) => [r.key, r.name, r.orders, r.activities]);
  it.each<[Dimension, Partial<Slice>, (string | number)[][]]>([
    ["district", {}, [["sz-futian", "福田区", 3, 2], ["sz-nanshan", "南山区", 1, 1]]],
    ["street", { orgId: "sz-futian" }, [["sz-futian-yl", "园岭街道", 3, 2]]],
    ["community", {}, [["sz-futian-yl-c2", "百花社区", 1, 1], ["sz-futian-yl-hongli", "红荔社区", 2, 1], ["sz-nanshan-ns-c1", "荔林社区", 1, 1]]],
    ["theme", {}, [["卫生健康/健康养生", "卫生健康/健康养生", 2, 1], ["智慧生活/数字素养", "智慧生活/数字素养", 2, 2]]],
    ["audience", {}, [["老年人", "老年人", 2, 2], ["青少年", "青少年", 2, 1]]],
    ["format", { orgId: "sz-futian" }, [["专家讲座", "专家讲座", 1, 1], ["互动体验", "互动体验", 2, 1]]],
    ["campaign", {}, [["kepu-month-2027", "kepu-month-2027", 1, 1]]],
    ["day", { orgId: "sz-futian-yl-hongli" }, [["2027-09-03", "2027-09-03", 1, 0], ["2027-09-20", "2027-09-20", 0, 1], ["2027-09-30", "2027-09-30", 1, 0]]],
    ["week", { orgId: "sz-futian" }, [["2027-W35", "2027-W35", 1, 0], ["2027-W38", "2027-W38", 0, 1], ["2027-W39", "2027-W39", 2, 0], ["2027-W40", "2027-W40", 0, 1]]],
    ["month", {}, [["2027-09", "2027-09", 2, 1], ["2027-10", "2027-10", 2, 2]]],
    ["year", {}, [["2027", "2027", 4, 3]]],
  ])("%s", (dimension, slice, expected) => {
    expect(rows(dimension, slice)).toEqual(expected);
  });

  it("names a place the registry did not name by its id", () => {
    const unnamed = { ...facts, orgs: orgs.filter((o) => o.orgId !== "sz-nanshan") };
    expect(breakdown(unnamed, all, "district", label, beijing).map((r) => r.name)).toEqual(["福田区", "sz-nanshan"]);
  });
});

describe("a slice as asked: Beijing periods and dates", () => {
  const base: SliceInput = { ...all };
  const window = (input: Partial<SliceInput>) => {
    const r = resolveSlice({ ...base, ...input }, beijing);
    return r.ok ? [r.value.from?.toISOString(), r.value.to?.toISOString()] : r.error.code;
  };
  it.each<[string, Partial<SliceInput>, string[] | string]>([
    ["a Beijing day", { period: "day", date: "2027-09-28" }, ["2027-09-27T16:00:00.000Z", "2027-09-28T15:59:59.999Z"]],
    ["its ISO week (Monday to Sunday)", { period: "week", date: "2027-09-28" }, ["2027-09-26T16:00:00.000Z", "2027-10-03T15:59:59.999Z"]],
    ["its month", { period: "month", date: "2027-09-28" }, ["2027-08-31T16:00:00.000Z", "2027-09-30T15:59:59.999Z"]],
    ["its year", { period: "year", date: "2027-09-28" }, ["2026-12-31T16:00:00.000Z", "2027-12-31T15:59:59.999Z"]],
    ["Beijing dates", { fromDate: "2027-09-01", toDate: "2027-09-30" }, ["2027-08-31T16:00:00.000Z", "2027-09-30T15:59:59.999Z"]],
    ["a month narrowed by an instant", { period: "month", date: "2027-09-01", from: at("2027-09-15T00:00:00Z") }, ["2027-09-15T00:00:00.000Z", "2027-09-30T15:59:59.999Z"]],
    ["no date for the period", { period: "month" }, "BAD_DATE"],
    ["a date without a period", { date: "2027-09-28" }, "PERIOD_REQUIRED"],
    ["a date that is none", { fromDate: "2027-02-30" }, "BAD_DATE"],
    ["an end before the start", { fromDate: "2027-09-30", toDate: "2027-09-01" }, "EMPTY_WINDOW"],
  ])("%s", (_, input, expected) => {
    expect(window(input)).toEqual(expected);
  });

  it("counts by the Beijing month: an order at 00:30 on 1 October is October's", () => {
    const r = resolveSlice({ ...base, period: "month", date: "2027-10-05" }, beijing);
    expect(r.ok && computeFigures(facts, r.value, themeName).orders).toBe(2);
    expect(localDate("2027-13-01")).toBeUndefined();
  });
});
