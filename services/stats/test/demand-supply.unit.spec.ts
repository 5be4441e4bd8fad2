import { describe, expect, it } from "vitest";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { demandSupply, DEFAULT_OPEN_DAYS, type DemandSupplyRow } from "../src/domain/demand-supply.js";
import { demandSupplyLines } from "../src/domain/export.js";
import type { ActivityFact, Facts, MenuFact, OrderFact, OrgFact } from "../src/domain/figures.js";
import { themeName } from "../src/domain/labels.js";
import type { Slice } from "../src/domain/slice.js";

const now = new Date("2027-10-31T12:00+08:00");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const place = (district: string, street: string, community: string) => ({ path: ["sz", district, street, community], districtId: district, streetId: street, communityId: community });
const hongli = place("sz-futian", "sz-futian-yl", "sz-futian-yl-hongli");
const baihua = place("sz-futian", "sz-futian-yl", "sz-futian-yl-baihua");
const lilin = place("sz-nanshan", "sz-nanshan-ns", "sz-nanshan-ns-lilin");
const order = (orderId: string, where: typeof hongli, theme: number, ageDays: number, status = "SUBMITTED"): OrderFact => ({
  orderId, status, theme, audience: 0, format: 0, ...where, campaignId: "", submittedAt: daysAgo(ageDays), declines: 0, escalations: 0,
});
const activity = (activityId: string, where: typeof hongli, theme: number, status = "COMPLETED"): ActivityFact => ({
  activityId, theme, audience: 0, format: 0, ...where, campaignId: "", startsAt: daysAgo(3), sessions: 1, status, participants: 5, residents: [], serviceHours: 1,
});
const org = (orgId: string, kind: OrgKind, name: string, path: string[]): OrgFact => ({ orgId, kind, name, path });
const orgs = [
  org("sz", OrgKind.CITY, "深圳市", ["sz"]),
  org("sz-futian", OrgKind.DISTRICT, "福田区", ["sz", "sz-futian"]),
  org("sz-futian-yl", OrgKind.STREET, "园岭街道", ["sz", "sz-futian", "sz-futian-yl"]),
  org("sz-futian-yl-hongli", OrgKind.COMMUNITY, "红荔社区", hongli.path),
  org("sz-futian-yl-baihua", OrgKind.COMMUNITY, "百花社区", baihua.path),
  org("sz-nanshan", OrgKind.DISTRICT, "南山区", ["sz", "sz-nanshan"]),
  org("sz-nanshan-ns", OrgKind.STREET, "南山街道", ["sz", "sz-nanshan", "sz-nanshan-ns"]),
  org("sz-nanshan-ns-lilin", OrgKind.COMMUNITY, "荔林社区", lilin.path),
];
const item = (itemId: string, theme: number, areaOrgId: string, withdrawn = false): MenuFact => ({ itemId, theme, areaOrgId, withdrawn, format: 0, audiences: [] });
const facts: Facts = {
  orders: [
    order("o1", hongli, Theme.HEALTH, 30, "DELIVERED"),
    order("o2", hongli, Theme.HEALTH, 20), // open for 20 days: unmet
    order("o3", hongli, Theme.HEALTH, 2), // open, but only 2 days
    order("o4", hongli, Theme.HEALTH, 40, "CANCELLED"),
    order("o5", baihua, Theme.NUCLEAR, 16), // nothing on the menu serves 核科普 there
    order("o6", lilin, Theme.HEALTH, 15, "ACCEPTED"),
  ],
  activities: [activity("a1", hongli, Theme.HEALTH), activity("a2", baihua, Theme.HEALTH), activity("a3", lilin, Theme.HEALTH, "CANCELLED")],
  menu: [item("m-futian", Theme.HEALTH, "sz-futian"), item("m-hongli", Theme.HEALTH, "sz-futian-yl-hongli"), item("m-nanshan", Theme.HEALTH, "sz-nanshan", true), item("m-ns-ai", Theme.ARTIFICIAL_INTELLIGENCE, "sz-nanshan")],
  communities: orgs.filter((o) => o.kind === OrgKind.COMMUNITY),
  orgs,
};
const all: Slice = { orgId: "", theme: 0, audience: 0, format: 0, campaignId: "" };
const counts = (rows: DemandSupplyRow[]) => rows.map((r) => [r.name, r.themeName, r.orders, r.openOrders, r.unmet, r.menuItems, r.activities, r.unservedCommunities]);

describe("demand against supply", () => {
  const table = demandSupply(facts, all, { openDays: DEFAULT_OPEN_DAYS, now, themeName });

  it("per theme × community: orders, open and unmet ones, the items serving it, activities held, unserved", () => {
    expect(counts(table.communities)).toEqual([
      ["百花社区", "卫生健康/健康养生", 0, 0, 0, 1, 1, 0],
      ["百花社区", "核科普", 1, 1, 1, 0, 0, 1],
      ["红荔社区", "卫生健康/健康养生", 4, 2, 1, 2, 1, 0],
      ["荔林社区", "卫生健康/健康养生", 1, 1, 1, 0, 0, 1], // the Nanshan item was withdrawn; the activity cancelled
      ["荔林社区", "人工智能", 0, 0, 0, 1, 0, 0],
    ]);
    expect(table.communities[0]).toMatchObject({ level: OrgKind.COMMUNITY, streetId: "sz-futian-yl", districtId: "sz-futian" });
  });

  it("rolled up by street and district: sums, and distinct items", () => {
    expect(counts(table.streets)).toEqual([
      ["园岭街道", "卫生健康/健康养生", 4, 2, 1, 2, 2, 0], // m-futian serves both communities: counted once
      ["园岭街道", "核科普", 1, 1, 1, 0, 0, 1],
      ["南山街道", "卫生健康/健康养生", 1, 1, 1, 0, 0, 1],
      ["南山街道", "人工智能", 0, 0, 0, 1, 0, 0],
    ]);
    expect(counts(table.districts)).toEqual([
      ["福田区", "卫生健康/健康养生", 4, 2, 1, 2, 2, 0],
      ["福田区", "核科普", 1, 1, 1, 0, 0, 1],
      ["南山区", "卫生健康/健康养生", 1, 1, 1, 0, 0, 1],
      ["南山区", "人工智能", 0, 0, 0, 1, 0, 0],
    ]);
  });

  it.each<[string, Partial<Slice>, number, number]>([
    ["a district", { orgId: "sz-futian" }, 3, 2],
    ["a community", { orgId: "sz-futian-yl-hongli" }, 1, 1],
    ["a theme", { theme: Theme.NUCLEAR }, 1, 1],
    ["a window that leaves the old orders out", { from: daysAgo(10) }, 3, 2],
  ])("narrowed by %s", (_, slice, communityRows, districtRows) => {
    const t = demandSupply(facts, { ...all, ...slice }, { openDays: DEFAULT_OPEN_DAYS, now, themeName });
    expect([t.communities.length, t.districts.length]).toEqual([communityRows, districtRows]);
  });

  it("takes N days as asked: after 25 days only the 30-day-old and older open orders are unmet", () => {
    const t = demandSupply(facts, { ...all, orgId: "sz-futian-yl-hongli" }, { openDays: 25, now, themeName });
    expect(t.communities[0]).toMatchObject({ openOrders: 2, unmet: 0 });
    expect(demandSupply(facts, { ...all, orgId: "sz-futian-yl-hongli" }, { openDays: 1, now, themeName }).communities[0]).toMatchObject({ unmet: 2 });
  });

  it("exports districts, then streets, then communities, with names", () => {
    const lines = demandSupplyLines(table);
    expect(lines.map((l) => l.level)).toEqual([...Array(4).fill("区 District"), ...Array(4).fill("街道 Street"), ...Array(5).fill("社区 Community")]);
    expect(lines[0]).toMatchObject({ name: "福田区", themeName: "卫生健康/健康养生", orders: 4, orgId: "sz-futian" });
  });
});
