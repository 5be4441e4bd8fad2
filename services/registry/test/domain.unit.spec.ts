import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseStatus, MenuItemSchema, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { assessmentPassed, canAssess, certificationTerm, changeStatus } from "../src/domain/bases.js";
import { checkMenuItem, servesCommunity } from "../src/domain/menu.js";
import { isWithin, orgKindNames, placeUnder, type OrgNode } from "../src/domain/org-tree.js";
import { checkTeamProfile, consentForJoining, teamFits } from "../src/domain/teams.js";

const node = (orgId: string, kind: OrgKind, parent?: OrgNode): OrgNode => {
  const placed = placeUnder(parent, orgId, kind);
  if (!placed.ok) throw placed.error;
  return { orgId, kind, place: placed.value };
};

describe("the org tree", () => {
  const city = node("sz", OrgKind.CITY);
  const district = node("sz-futian", OrgKind.DISTRICT, city);
  const street = node("sz-futian-yuanling", OrgKind.STREET, district);

  it("places a community under its street with the whole path and its district and street", () => {
    expect(node("sz-futian-yuanling-hongli", OrgKind.COMMUNITY, street).place).toMatchObject({
      path: ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"],
      districtId: "sz-futian",
      streetId: "sz-futian-yuanling",
      communityId: "sz-futian-yuanling-hongli",
    });
  });

  it("hangs associations and the 文明实践 tree under administrative nodes", () => {
    expect(node("sz-futian-kx", OrgKind.ASSOCIATION, district).place.path).toEqual(["sz", "sz-futian", "sz-futian-kx"]);
    const center = node("sz-futian-wmsj", OrgKind.PRACTICE_CENTER, district);
    const institute = node("sz-futian-wmsj-yl", OrgKind.PRACTICE_INSTITUTE, center);
    expect(node("sz-futian-wmsj-yl-1", OrgKind.PRACTICE_STATION, institute).place.districtId).toBe("sz-futian");
  });

  it("refuses a community under a district, and a district without a parent", () => {
    const wrong = placeUnder(district, "x", OrgKind.COMMUNITY);
    expect(wrong.ok ? "" : wrong.error.code).toBe("WRONG_PARENT_KIND");
    const orphan = placeUnder(undefined, "y", OrgKind.DISTRICT);
    expect(orphan.ok ? "" : orphan.error.code).toBe("PARENT_REQUIRED");
  });
});

const city = node("sz", OrgKind.CITY);
const futian = node("sz-futian", OrgKind.DISTRICT, city);
const yuanling = node("sz-futian-yuanling", OrgKind.STREET, futian);
const hongli = node("sz-futian-yuanling-hongli", OrgKind.COMMUNITY, yuanling);
const nanshan = node("sz-nanshan", OrgKind.DISTRICT, city);
const keji = node("sz-nanshan-yuehai-keji", OrgKind.COMMUNITY, node("sz-nanshan-yuehai", OrgKind.STREET, nanshan));

describe("more of the tree's rules", () => {
  it("refuses a second city, a street under a city, and a 实践站 straight under a 实践中心", () => {
    const code = (r: ReturnType<typeof placeUnder>) => (r.ok ? "" : r.error.code);
    expect(code(placeUnder(city, "x", OrgKind.CITY))).toBe("CITY_HAS_NO_PARENT");
    expect(code(placeUnder(city, "x", OrgKind.STREET))).toBe("WRONG_PARENT_KIND");
    expect(code(placeUnder(node("c", OrgKind.PRACTICE_CENTER, futian), "x", OrgKind.PRACTICE_STATION))).toBe("WRONG_PARENT_KIND");
    expect(code(placeUnder(futian, "x", OrgKind.PARTY_SERVICE_CENTER))).toBe("WRONG_PARENT_KIND");
    expect(code(placeUnder(hongli, "x", OrgKind.PARTY_SERVICE_CENTER))).toBe("");
  });

  it("names the kinds in its refusal of a kind under a parent, in Chinese and in English — never the machine codes", () => {
    const words = (r: ReturnType<typeof placeUnder>) => (r.ok ? [] : [r.error.zh, r.error.en]);
    const center = node("c", OrgKind.PRACTICE_CENTER, futian);
    const cases: [OrgNode, OrgKind, string, string][] = [
      [futian, OrgKind.COMMUNITY, "社区不能设在区之下", "A community cannot sit under a district"],
      [city, OrgKind.STREET, "街道不能设在市之下", "A street cannot sit under a city"],
      [center, OrgKind.PRACTICE_STATION, "新时代文明实践站不能设在新时代文明实践中心之下", "A civilization practice station cannot sit under a civilization practice centre"],
      [futian, OrgKind.PARTY_SERVICE_CENTER, "党群服务中心不能设在区之下", "A Party and public service centre cannot sit under a district"],
      [hongli, OrgKind.ASSOCIATION, "科协不能设在社区之下", "A science association cannot sit under a community"],
    ];
    for (const [parent, kind, zh, en] of cases) expect(words(placeUnder(parent, "x", kind))).toEqual([zh, en]);
    // Every kind has both names, none of them an enum code.
    for (const kind of Object.values(OrgKind).filter((k): k is OrgKind => typeof k === "number")) {
      expect(orgKindNames[kind].zh).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(orgKindNames[kind].en).not.toMatch(/[A-Z]{2}|_/);
    }
  });

  it("knows which subtree a place lies in", () => {
    expect(isWithin(hongli.place, "sz-futian")).toBe(true);
    expect(isWithin(hongli.place, "sz-nanshan")).toBe(false);
  });
});

describe("bases (科普基地)", () => {
  it("moves between statuses by the rules: leaving ACTIVE needs a reason, REVOKED is final", () => {
    expect(changeStatus(BaseStatus.ACTIVE, BaseStatus.SUSPENDED, "场馆维修").ok).toBe(true);
    const noReason = changeStatus(BaseStatus.ACTIVE, BaseStatus.SUSPENDED, " ");
    expect(noReason.ok ? "" : noReason.error.field).toBe("reason");
    expect(changeStatus(BaseStatus.SUSPENDED, BaseStatus.ACTIVE, "").ok).toBe(true);
    const fromRevoked = changeStatus(BaseStatus.REVOKED, BaseStatus.ACTIVE, "复核");
    expect(fromRevoked.ok ? "" : fromRevoked.error.code).toBe("BASE_WRONG_STATUS");
  });

  it("assesses once a year, never a revoked base", () => {
    expect(canAssess(BaseStatus.ACTIVE, 2026, [2025]).ok).toBe(true);
    const twice = canAssess(BaseStatus.ACTIVE, 2026, [2026]);
    expect(twice.ok ? "" : twice.error.code).toBe("ALREADY_ASSESSED");
    const revoked = canAssess(BaseStatus.REVOKED, 2026, []);
    expect(revoked.ok ? "" : revoked.error.code).toBe("BASE_REVOKED");
  });

  it("certifies for 1 to 5 years, 3 by default", () => {
    expect(certificationTerm(0)).toEqual({ ok: true, value: 3 });
    expect(certificationTerm(6).ok).toBe(false);
  });
});

describe("teams (科技志愿服务队)", () => {
  const team = { themes: [Theme.HEALTH, Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"] };

  it("fits work on one of its themes inside one of its areas only", () => {
    expect(teamFits(team, Theme.HEALTH, hongli.place)).toBe(true);
    expect(teamFits(team, Theme.WATER, hongli.place)).toBe(false);
    expect(teamFits(team, Theme.HEALTH, keji.place)).toBe(false);
  });

  it("needs a theme and an area, and keeps each once", () => {
    const noThemes = checkTeamProfile({ ...team, themes: [] });
    expect(noThemes.ok ? "" : noThemes.error.field).toBe("themes");
    const doubled = checkTeamProfile({ themes: [Theme.HEALTH, Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] });
    expect(doubled.ok && doubled.value.themes).toEqual([Theme.HEALTH]);
  });

  describe("a child under 14 joins only on a guardian's consent (监护人同意)", () => {
    const now = new Date("2026-09-01T10:00:00+08:00");
    const consent = { guardianName: "王芳", guardianPhone: "13812345678", relationship: "母亲", consentedAt: new Date("2026-08-30T00:00:00+08:00") };
    const code = (r: ReturnType<typeof consentForJoining>) => (r.ok ? "ok" : r.error.code);

    it.each([
      ["no birth date", undefined, undefined, "ok"],
      ["an adult", new Date("1990-05-01"), undefined, "ok"],
      ["14 today", new Date("2012-09-01T00:00:00+08:00"), undefined, "ok"],
      ["a day short of 14, no consent", new Date("2012-09-02T00:00:00+08:00"), undefined, "GUARDIAN_CONSENT_REQUIRED"],
      ["a child with consent", new Date("2016-03-10"), consent, "ok"],
      ["consent dated tomorrow", new Date("2016-03-10"), { ...consent, consentedAt: new Date("2026-09-02") }, "BAD_CONSENT_DATE"],
      ["born in the future", new Date("2027-01-01"), consent, "BAD_BIRTH_DATE"],
    ] as const)("%s → %s", (_label, birthDate, given, expected) => {
      expect(code(consentForJoining(birthDate, given, now))).toBe(expected);
    });

    it("keeps the consent for a child only, and says the volunteer is a minor", () => {
      expect(consentForJoining(new Date("2016-03-10"), consent, now)).toEqual({ ok: true, value: { minor: true, consent } });
      expect(consentForJoining(new Date("1990-05-01"), consent, now)).toEqual({ ok: true, value: { minor: false } });
    });
  });
});

describe("bases and the menu", () => {
  it("passes a base's annual assessment only with all five criteria", () => {
    const all = { hasOrganization: true, hasFunding: true, hasVenue: true, hasActivities: true, hasImpact: true };
    expect(assessmentPassed(all)).toBe(true);
    expect(assessmentPassed({ ...all, hasFunding: false })).toBe(false);
  });

  it("checks a menu item before it is offered, naming the wrong field", () => {
    const item = create(MenuItemSchema, { title: "AI 科普讲座", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.EXPERT_TALK, capacity: 60, durationMinutes: 90, leadTimeDays: 7, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-a" });
    expect(checkMenuItem(item).ok).toBe(true);
    const noCapacity = checkMenuItem({ ...item, capacity: 0 });
    expect(noCapacity.ok ? "" : noCapacity.error.field).toBe("item.capacity");
    for (const [change, field] of [[{ durationMinutes: 5 }, "item.durationMinutes"], [{ leadTimeDays: -1 }, "item.leadTimeDays"], [{ providerId: "" }, "item.providerId"], [{ theme: Theme.UNSPECIFIED }, "item.theme"]] as const) {
      const checked = checkMenuItem({ ...item, ...change });
      expect(checked.ok ? "" : checked.error.field).toBe(field);
    }
  });

  it("puts an item on the menu of communities inside its service area only", () => {
    expect(servesCommunity({ serviceAreaOrgId: "sz-futian" }, hongli.place)).toBe(true);
    expect(servesCommunity({ serviceAreaOrgId: "sz-futian" }, keji.place)).toBe(false);
    expect(servesCommunity({ serviceAreaOrgId: "sz" }, keji.place)).toBe(true);
  });
});
