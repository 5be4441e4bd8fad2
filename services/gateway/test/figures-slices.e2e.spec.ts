// Issue 19, every figure and slice through the HTTP API: orders and activities placed through HTTP
// across two communities, two themes, two audiences, two formats and two Beijing months; each
// filter (org at three levels, theme, audience, format, campaign, period, dates) and each breakdown
// dimension answers exactly the counts of what was placed, rows with names; an unknown value is a
// 400 in both languages; demand against supply equals a count of the services' own records
// (dispatch's orders, the registry's menu for each community, the events service's activities).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { community as hongli, Platform, type Answer } from "./platform.js";

let platform: Platform;
let admin = "";
// Beijing keys of an instant (UTC+8 all year: China keeps no summer time), as the stats service keys its periods.
const local = (at: Date) => new Date(at.getTime() + 8 * 3_600_000);
const beijing = {
  dayKey: (at: Date) => local(at).toISOString().slice(0, 10),
  monthKey: (at: Date) => local(at).toISOString().slice(0, 7),
  yearKey: (at: Date) => local(at).toISOString().slice(0, 4),
  isoWeekKey: (at: Date) => {
    const d = new Date(local(at).toISOString().slice(0, 10) + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7)); // the Thursday of its week decides the year
    const week = 1 + Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 4)) / 86_400_000 / 7 - (3 - ((new Date(Date.UTC(d.getUTCFullYear(), 0, 4)).getUTCDay() + 6) % 7)) / 7);
    return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
  },
};
const street = "sz-futian-yuanling";
const baihua = "sz-futian-yuanling-bh";
const get = (path: string, token = admin) => platform.call("GET", path, token);
const ok = (answer: Answer, status = 200) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body;
};

/** A resident of a community, signed in with the one-time code the gateway keeps in Redis here. */
async function residentOf(communityId: string, phone: string): Promise<string> {
  await platform.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => platform.redis.get(`${platform.engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  return ok(await platform.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId })).accessToken as string;
}

type Placed = { community: string; theme: string; audience: string; format: string; campaignId: string; at: Date };
const labels: Record<string, string> = {
  THEME_HEALTH: "卫生健康/健康养生",
  THEME_DIGITAL_LITERACY: "智慧生活/数字素养",
  AUDIENCE_ELDERLY: "老年人",
  AUDIENCE_YOUTH: "青少年",
  AUDIENCE_UNSPECIFIED: "未分类",
  FORMAT_EXPERT_TALK: "专家讲座",
  FORMAT_HANDS_ON: "互动体验",
  FORMAT_UNSPECIFIED: "未分类",
};
const names: Record<string, string> = { "sz-futian": "sz-futian", [street]: street, [hongli]: hongli, [baihua]: "百花社区" };
// What dispatch and the events service hold (read back through HTTP once placed): the expected figures are counted from these.
let orders: Placed[] = [];
let activities: Placed[] = [];

const orderPlans = [
  [hongli, "THEME_HEALTH", "AUDIENCE_ELDERLY", "FORMAT_EXPERT_TALK", "kepu-month-2026"],
  [hongli, "THEME_DIGITAL_LITERACY", "AUDIENCE_YOUTH", "FORMAT_HANDS_ON", ""],
  [baihua, "THEME_HEALTH", "AUDIENCE_YOUTH", "FORMAT_EXPERT_TALK", ""],
  [baihua, "THEME_DIGITAL_LITERACY", "AUDIENCE_ELDERLY", "FORMAT_HANDS_ON", ""],
  [baihua, "THEME_DIGITAL_LITERACY", "AUDIENCE_ELDERLY", "FORMAT_HANDS_ON", ""],
] as const;
// Held in September and October 2026, Beijing time (the one on 1 October at 00:30 is September 30th in UTC).
const activityPlans = [
  [hongli, "THEME_HEALTH", "AUDIENCE_ELDERLY", "FORMAT_EXPERT_TALK", "2026-09-10T09:00+08:00"],
  [baihua, "THEME_DIGITAL_LITERACY", "AUDIENCE_ELDERLY", "FORMAT_HANDS_ON", "2026-09-20T14:00+08:00"],
  [baihua, "THEME_HEALTH", "AUDIENCE_YOUTH", "FORMAT_EXPERT_TALK", "2026-10-01T00:30+08:00"],
  [hongli, "THEME_DIGITAL_LITERACY", "AUDIENCE_YOUTH", "FORMAT_HANDS_ON", "2026-10-25T10:00+08:00"],
] as const;

beforeAll(async () => {
  platform = await Platform.start("figures-slices");
  admin = await platform.signIn("admin");
  ok(await platform.call("POST", "/api/v1/orgs", admin, { orgId: baihua, name: "百花社区", kind: "ORG_KIND_COMMUNITY", parentId: street }), 201);
  // 百花 has its own 数字素养 item; the Futian-wide health talk (seeded) serves both communities; 红荔 has no 数字素养 item.
  const item = { itemId: "menu-digital-bh", title: "老年人智能手机课", theme: "THEME_DIGITAL_LITERACY", format: "FORMAT_HANDS_ON", audiences: ["AUDIENCE_ELDERLY"], durationMinutes: 90, capacity: 30, serviceAreaOrgId: baihua, providerKind: "TEAM", providerId: "team-futian" };
  ok(await platform.call("POST", "/api/v1/menu-items", admin, item));
  const residents = { [hongli]: await residentOf(hongli, "13700004441"), [baihua]: await residentOf(baihua, "13700004442") };
  for (const [communityId, theme, audience, format, campaignId] of orderPlans) {
    ok(await platform.call("POST", "/api/v1/orders", residents[communityId], { title: `想听：${labels[theme]}`, theme, audience, format, communityId, expectedParticipants: 20, ...(campaignId ? { campaignId } : {}) }));
  }
  for (const [orgId, theme, audience, format, startsAt] of activityPlans) {
    const starts = new Date(startsAt);
    const session = { startsAt: starts.toISOString(), endsAt: new Date(starts.getTime() + 2 * 3_600_000).toISOString(), capacity: 40 };
    ok(await platform.call("POST", "/api/v1/activities", admin, { title: `${labels[theme]}·${labels[audience]}`, theme, audience, format, orgId, sessions: [session] }));
  }
  // The services' own records, as they answer them (the Platform's probe order among dispatch's).
  type OrderJson = { request: { theme: string; audience: string; format: string; community: { communityId: string } }; campaignId: string; submittedAt: string; status: string };
  orders = (ok(await get(`/api/v1/orders?orgId=${street}&pageSize=200`)).orders as OrderJson[]).map((o) => ({ community: o.request.community.communityId, theme: o.request.theme, audience: o.request.audience, format: o.request.format, campaignId: o.campaignId, at: new Date(o.submittedAt) }));
  type ActivityJson = { theme: string; audience: string; format: string; place: { communityId: string }; campaignId: string; sessions: { session: { startsAt: string } }[]; status: string };
  activities = (ok(await get(`/api/v1/activities?orgId=${street}&pageSize=200`)).activities as ActivityJson[]).map((a) => ({ community: a.place.communityId, theme: a.theme, audience: a.audience, format: a.format, campaignId: a.campaignId, at: new Date(a.sessions[0]!.session.startsAt) }));
  expect([orders.length, activities.length]).toEqual([orderPlans.length + 1, activityPlans.length]);
  await waitFor(async () => {
    const f = (await get(`/api/v1/stats/figures?orgId=${street}`)).body.figures;
    return f?.orders === orders.length && f.activities === activities.length;
  }, { what: "the statistics to count every order and activity placed", timeoutMs: 60_000 });
}, 240_000);
afterAll(() => platform?.stop());

type Filter = { query: string; keep: (p: Placed) => boolean };
const september = { from: new Date("2026-09-01T00:00+08:00"), to: new Date("2026-09-30T23:59:59.999+08:00") };
const filters: [string, Filter][] = [
  ["the street (its level: a street)", { query: `orgId=${street}`, keep: () => true }],
  ["the district", { query: "orgId=sz-futian", keep: () => true }],
  ["one community", { query: `orgId=${baihua}`, keep: (p) => p.community === baihua }],
  ["a theme", { query: "theme=THEME_DIGITAL_LITERACY", keep: (p) => p.theme === "THEME_DIGITAL_LITERACY" }],
  ["an audience", { query: "audience=AUDIENCE_ELDERLY", keep: (p) => p.audience === "AUDIENCE_ELDERLY" }],
  ["a format", { query: "format=FORMAT_EXPERT_TALK", keep: (p) => p.format === "FORMAT_EXPERT_TALK" }],
  ["a campaign", { query: "campaignId=kepu-month-2026", keep: (p) => p.campaignId === "kepu-month-2026" }],
  ["a Beijing month (period=month&date=…)", { query: "period=month&date=2026-09-15", keep: (p) => beijing.monthKey(p.at) === "2026-09" }],
  ["a Beijing week", { query: "period=week&date=2026-09-30", keep: (p) => beijing.isoWeekKey(p.at) === beijing.isoWeekKey(new Date("2026-09-30T12:00+08:00")) }],
  ["a Beijing year", { query: "period=year&date=2026-01-01", keep: (p) => beijing.yearKey(p.at) === "2026" }],
  ["Beijing dates from … to …", { query: "from=2026-09-01&to=2026-09-30", keep: (p) => p.at >= september.from && p.at <= september.to }],
  ["instants from … (with a zone)", { query: "from=2026-10-01T00:00:00%2B08:00", keep: (p) => p.at >= new Date("2026-10-01T00:00+08:00") }],
  ["theme and audience and month together", { query: `theme=THEME_HEALTH&audience=AUDIENCE_YOUTH&period=month&date=2026-10-01&orgId=${street}`, keep: (p) => p.theme === "THEME_HEALTH" && p.audience === "AUDIENCE_YOUTH" && beijing.monthKey(p.at) === "2026-10" }],
];

describe("every figure filter through HTTP", () => {
  it.each(filters)("%s: orders and activities as placed", async (_, { query, keep }) => {
    const f = ok(await get(`/api/v1/stats/figures?${query}`)).figures;
    expect([f.orders, f.activities]).toEqual([orders.filter(keep).length, activities.filter(keep).length]);
  });

  it("an unknown theme, audience, format, period or dimension is a 400 in Chinese and English; a bad date too", async () => {
    for (const query of ["theme=THEME_ASTROLOGY", "audience=AUDIENCE_CATS", "format=FORMAT_TELEPATHY", "period=decade&date=2026-09-01", "date=2026-02-30&period=day", "from=yesterday"]) {
      const answer = await get(`/api/v1/stats/figures?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(answer.body.messageEn).toMatch(/[a-z]/);
    }
    expect((await get("/api/v1/stats/breakdown?dimension=planet")).status).toBe(400);
    expect((await get("/api/v1/stats/demand-supply?theme=THEME_ASTROLOGY")).status).toBe(400);
    expect(ok(await get("/api/v1/stats/figures?date=2026-09-01"), 400).code).toBe("PERIOD_REQUIRED");
  });
});

describe("every breakdown dimension through HTTP, rows with names", () => {
  const keyOf: Record<string, (p: Placed) => string> = {
    district: () => "sz-futian",
    street: () => street,
    community: (p) => p.community,
    theme: (p) => labels[p.theme]!,
    audience: (p) => labels[p.audience]!,
    format: (p) => labels[p.format]!,
    campaign: (p) => p.campaignId,
    day: (p) => beijing.dayKey(p.at),
    week: (p) => beijing.isoWeekKey(p.at),
    month: (p) => beijing.monthKey(p.at),
    year: (p) => beijing.yearKey(p.at),
  };
  const nameOf = (dimension: string, key: string) => (["district", "street", "community"].includes(dimension) ? names[key] : key);

  it.each(Object.keys(keyOf))("%s", async (dimension) => {
    const expected = new Map<string, [number, number]>();
    for (const o of orders) expected.set(keyOf[dimension]!(o), [(expected.get(keyOf[dimension]!(o))?.[0] ?? 0) + 1, expected.get(keyOf[dimension]!(o))?.[1] ?? 0]);
    for (const a of activities) expected.set(keyOf[dimension]!(a), [expected.get(keyOf[dimension]!(a))?.[0] ?? 0, (expected.get(keyOf[dimension]!(a))?.[1] ?? 0) + 1]);
    expected.delete("");
    const rows = ok(await get(`/api/v1/stats/breakdown?orgId=${street}&dimension=${dimension}`)).rows as { key: string; name: string; orders: number; activities: number }[];
    expect(rows.map((r) => [r.key, r.name, r.orders, r.activities])).toEqual([...expected].sort(([a], [b]) => a.localeCompare(b)).map(([key, [o, a]]) => [key, nameOf(dimension, key), o, a]));
  });

  it("a breakdown is sliced too: by community for one theme in September", async () => {
    const rows = ok(await get(`/api/v1/stats/breakdown?dimension=community&theme=THEME_DIGITAL_LITERACY&from=2026-09-01&to=2026-09-30`)).rows;
    expect(rows.map((r: { name: string; activities: number }) => [r.name, r.activities])).toEqual([["百花社区", 1]]);
  });

  it("exports a breakdown by audience with the names first", async () => {
    const csv = await get(`/api/v1/stats/export?orgId=${street}&dimension=audience&format=csv`);
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain("老年人,");
    const byMonth = await get(`/api/v1/stats/export?orgId=${street}&dimension=month&format=csv`);
    expect(String(byMonth.body)).toContain("2026-09,");
  });
});

describe("demand against supply (需求与供给)", () => {
  it("per theme × community equals the services' own records, rolled up by street and district", async () => {
    const table = ok(await get(`/api/v1/stats/demand-supply?orgId=${street}`));
    expect(table.openDays).toBe(14);
    const themes = ["THEME_HEALTH", "THEME_DIGITAL_LITERACY"];
    const menuOf = async (communityId: string) => (ok(await get(`/api/v1/menu?communityId=${communityId}&pageSize=200`)).items as { theme: string; itemId: string }[]);
    const expectedRows = [];
    const menus: Record<string, { theme: string; itemId: string }[]> = { [hongli]: await menuOf(hongli), [baihua]: await menuOf(baihua) };
    for (const c of [baihua, hongli].sort()) {
      for (const theme of themes) {
        const placed = orders.filter((o) => o.community === c && o.theme === theme).length;
        const items = menus[c]!.filter((i) => i.theme === theme).length;
        const held = activities.filter((a) => a.community === c && a.theme === theme).length;
        if (placed + items + held > 0) expectedRows.push([c, names[c], theme, placed, placed, 0, items, held, placed > 0 && items === 0 ? 1 : 0]);
      }
    }
    type Row = { orgId: string; name: string; theme: string; orders: number; openOrders: number; unmet: number; menuItems: number; activities: number; unservedCommunities: number };
    const flat = (rows: Row[]) => rows.map((r) => [r.orgId, r.name, r.theme, r.orders, r.openOrders, r.unmet, r.menuItems, r.activities, r.unservedCommunities]);
    const sortRows = (rows: unknown[][]) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || themes.indexOf(String(a[2])) - themes.indexOf(String(b[2])));
    expect(sortRows(flat(table.communities))).toEqual(sortRows(expectedRows));
    // 红荔 ordered 数字素养 and nothing on its menu serves it.
    expect(table.communities.find((r: Row) => r.orgId === hongli && r.theme === "THEME_DIGITAL_LITERACY")).toMatchObject({ menuItems: 0, unservedCommunities: 1 });
    const streetRow = (theme: string) => table.streets.find((r: Row) => r.theme === theme) as Row;
    for (const theme of themes) {
      const distinctItems = new Set(Object.values(menus).flatMap((m) => m.filter((i) => i.theme === theme).map((i) => i.itemId))).size;
      expect(streetRow(theme)).toMatchObject({ orgId: street, orders: orders.filter((o) => o.theme === theme).length, menuItems: distinctItems, activities: activities.filter((a) => a.theme === theme).length });
      expect(table.districts.find((r: Row) => r.theme === theme)).toMatchObject({ orgId: "sz-futian", orders: streetRow(theme).orders, menuItems: distinctItems });
    }
  });

  it("menu supply in the figures is limited to the items serving the area asked for", async () => {
    const supply = async (orgId: string) => ok(await get(`/api/v1/stats/figures?orgId=${orgId}`)).figures.supplyByTheme;
    expect(await supply(hongli)).toEqual({ "卫生健康/健康养生": 1 });
    expect(await supply(baihua)).toEqual({ "卫生健康/健康养生": 1, "智慧生活/数字素养": 1 });
    expect(await supply("sz-luohu")).toEqual({});
  });

  it("orders open longer than N days are unmet: none yet at N=1; exported as csv and xlsx", async () => {
    const table = ok(await get(`/api/v1/stats/demand-supply?orgId=${street}&openDays=1`));
    expect(table.openDays).toBe(1);
    expect(table.communities.reduce((sum: number, r: { unmet: number }) => sum + r.unmet, 0)).toBe(0);
    expect((await get(`/api/v1/stats/demand-supply?openDays=0`)).status).toBe(400);
    const csv = await get(`/api/v1/stats/demand-supply/export?orgId=${street}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-disposition")).toMatch(/kepu-demand-supply-.*\.csv/);
    expect(String(csv.body)).toContain("百花社区,智慧生活/数字素养,2,2,0,1,1,0");
    const xlsx = await get(`/api/v1/stats/demand-supply/export?orgId=${street}&format=xlsx`);
    expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
  });
});
