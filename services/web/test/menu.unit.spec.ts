import { describe, expect, it } from "vitest";
import { earliestDay, filterMenu, filtersOn, noFilter, preferredInstant, type MenuItem } from "../src/domain/menu";

const item = (itemId: string, more: Partial<MenuItem>): MenuItem => ({ itemId, title: itemId, description: "", theme: "THEME_HEALTH", format: "FORMAT_UNSPECIFIED", audiences: [], durationMinutes: 60, capacity: 30, leadTimeDays: 0, serviceAreaOrgId: "", providerKind: "PROVIDER_KIND_TEAM", providerId: "team-1", resourceIds: [], ...more });
const items = [
  item("talk", { title: "健康养生讲座", description: "三甲医院医生讲解慢病管理", format: "FORMAT_EXPERT_TALK", audiences: ["AUDIENCE_ELDERLY"], serviceAreaOrgId: "sz-futian" }),
  item("phone", { title: "智能手机课堂", theme: "THEME_DIGITAL_LITERACY", format: "FORMAT_HANDS_ON", audiences: ["AUDIENCE_ELDERLY", "AUDIENCE_RESIDENTS"], serviceAreaOrgId: "sz-futian-yuanling" }),
  item("robot", { title: "Robot workshop", theme: "THEME_ARTIFICIAL_INTELLIGENCE", format: "FORMAT_HANDS_ON", audiences: ["AUDIENCE_YOUTH"], serviceAreaOrgId: "sz-futian-yuanling-c1" }),
];
const home = { communityId: "sz-futian-yuanling-c1", streetId: "sz-futian-yuanling" };
const ids = (found: MenuItem[]) => found.map((i) => i.itemId);

describe("filterMenu", () => {
  it("keeps everything without a filter", () => expect(ids(filterMenu(items, noFilter, home))).toEqual(["talk", "phone", "robot"]));
  it("searches title and description, every word, any case", () => {
    expect(ids(filterMenu(items, { ...noFilter, text: "慢病" }, home))).toEqual(["talk"]);
    expect(ids(filterMenu(items, { ...noFilter, text: "robot WORK" }, home))).toEqual(["robot"]);
    expect(ids(filterMenu(items, { ...noFilter, text: "robot 慢病" }, home))).toEqual([]);
  });
  it("filters by theme, format and audience", () => {
    expect(ids(filterMenu(items, { ...noFilter, theme: "THEME_DIGITAL_LITERACY" }, home))).toEqual(["phone"]);
    expect(ids(filterMenu(items, { ...noFilter, format: "FORMAT_HANDS_ON" }, home))).toEqual(["phone", "robot"]);
    expect(ids(filterMenu(items, { ...noFilter, audience: "AUDIENCE_ELDERLY", format: "FORMAT_HANDS_ON" }, home))).toEqual(["phone"]);
  });
  it("my street: what my street or my community offers, not the district's", () => {
    expect(ids(filterMenu(items, { ...noFilter, myStreet: true }, home))).toEqual(["phone", "robot"]);
    expect(ids(filterMenu(items, { ...noFilter, myStreet: true }, { communityId: "", streetId: "" }))).toEqual([]);
  });
  it("counts the filters that are on", () => {
    expect(filtersOn(noFilter)).toBe(0);
    expect(filtersOn({ ...noFilter, text: "x", theme: "THEME_HEALTH", myStreet: true })).toBe(2);
  });
});

describe("the wished-for day", () => {
  it("is at least the lead time after today, in Beijing", () => {
    // 2026-12-01 23:30 in Beijing is still 15:30 UTC
    expect(earliestDay(new Date("2026-12-01T15:30:00Z"), 0)).toBe("2026-12-01");
    expect(earliestDay(new Date("2026-12-01T16:30:00Z"), 0)).toBe("2026-12-02");
    expect(earliestDay(new Date("2026-12-01T15:30:00Z"), 7)).toBe("2026-12-08");
  });
  it("is sent as noon in Beijing, nothing for an empty field", () => {
    expect(preferredInstant("2026-12-08")).toBe("2026-12-08T12:00:00+08:00");
    expect(preferredInstant("")).toBeUndefined();
  });
});
