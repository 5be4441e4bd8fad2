// Issue 15's "build a district", end to end through the public HTTP API only: from an empty store
// and a first admin made by its command (`npm run admin`), the admin makes the city, the district
// and its officer; the officer makes streets, communities, a 新时代文明实践站 (center → 所 → 站)
// with the communities it serves, a community worker (who must change her password at the first
// sign-in), a team whose members come from an xlsx (three bad rows reported, nothing imported; the
// fixed file imported; the same file again changes nothing) and its leader's account. A resident
// picks her community from the picker (district → street → community, and by name), orders, the
// new worker dispatches to the new team, and the new leader accepts. The database is only read, to
// check that a refused import wrote nothing.
import ExcelJS from "exceljs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { Platform } from "./platform.js";

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const chinese = /[\u4e00-\u9fff]/;

const city = "gz";
const district = "gz-tianhe";
const streets = { shipai: "gz-tianhe-shipai", linhe: "gz-tianhe-linhe" };
const communities = { gangding: "gz-tianhe-shipai-gangding", pazhou: "gz-tianhe-shipai-pazhou", linzhong: "gz-tianhe-linhe-linzhong" };
const practice = { center: "gz-tianhe-wmsj", institute: "gz-tianhe-wmsj-shipai", station: "gz-tianhe-wmsj-shipai-gangding" };
const teamId = "team-tianhe-health";

let platform: Platform;
let mongo: MongoClient;


const signIn = (account: string, password: string) => platform.call("POST", "/api/v1/auth/sign-in", undefined, { account, password });
const ids = (body: { organizations?: { orgId: string }[] }) => (body.organizations ?? []).map((o) => o.orgId);

/** An account made by `token`, whose owner signs in, is told to change the password, and does: her access token. */
async function newStaff(token: string, account: string, displayName: string, role: string, orgId: string, newPassword: string): Promise<string> {
  const made = await platform.call("POST", "/api/v1/accounts", token, { account, displayName, role, orgId });
  expect(made.status, JSON.stringify(made.body)).toBe(200);
  expect(made.body.account).toMatchObject({ account, role, orgId, mustChangePassword: true });
  const first = await signIn(account, made.body.initialPassword);
  expect([first.status, first.body.code, first.body.accessToken]).toEqual([403, "PASSWORD_CHANGE_REQUIRED", undefined]);
  const changed = await platform.call("POST", "/api/v1/auth/change-password", undefined, { account, currentPassword: made.body.initialPassword, newPassword });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  expect((await platform.call("GET", "/api/v1/me", changed.body.accessToken)).body).toMatchObject({ id: account, role, orgId });
  return (await signIn(account, newPassword)).body.accessToken as string;
}

async function newOrg(token: string, orgId: string, name: string, kind: string, parentId?: string) {
  const made = await platform.call("POST", "/api/v1/orgs", token, { orgId, name, kind: `ORG_KIND_${kind}`, ...(parentId ? { parentId } : {}) });
  expect(made.status, `${orgId}: ${JSON.stringify(made.body)}`).toBe(201);
  return made.body.organization;
}

/** A sheet with these headers and rows, each row given by header (the rest of its cells empty). */
async function sheet(headers: string[], rows: Record<string, string>[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const s = book.addWorksheet("导入");
  s.addRow(headers);
  for (const row of rows) s.addRow(headers.map((h) => row[h] ?? ""));
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function upload(token: string, file: Buffer) {
  const response = await fetch(`${platform.gateway.httpUrl}/api/v1/imports/volunteers`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": xlsxType }, body: file });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  platform = await Platform.empty("build-district");
  mongo = new MongoClient(platform.engines.urls.mongoUrl);
  await mongo.connect();
}, 240_000);

afterAll(async () => {
  await mongo?.close();
  await platform?.stop();
});

describe("building a district from an empty store", () => {
  it("goes from the first admin to an order accepted by a team whose members came from Excel", async () => {
    // Nobody and nothing yet: no account signs in, the picker has nothing to offer.
    expect((await signIn("admin", "kepu-demo")).status).toBe(401);
    expect(ids((await platform.call("GET", "/api/v1/orgs?q=天河")).body)).toEqual([]);

    // The first admin, by the command (as deploy/local/start.sh makes it).
    const made = await platform.adminCommand("--account", "root", "--name", "平台管理员", "--password", "root-pass-2026", "--no-must-change");
    expect(made.code, made.out).toBe(0);
    const admin = (await signIn("root", "root-pass-2026")).body.accessToken as string;
    expect((await platform.call("GET", "/api/v1/me", admin)).body).toMatchObject({ id: "root", role: "ADMIN" });
    expect((await platform.adminCommand("--account", "root2", "--name", "第二个", "--password", "root-pass-2026", "--no-must-change")).code).toBe(2);

    // The admin makes the city and the district, and the district's officer.
    expect((await newOrg(admin, city, "广州市", "CITY")).place.path).toEqual([city]);
    expect((await newOrg(admin, district, "天河区", "DISTRICT", city)).place).toMatchObject({ path: [city, district], districtId: district });
    const officer = await newStaff(admin, "tianhe.officer", "天河区科协 陈干事", "DISTRICT_STAFF", district, "天河区的密码-2026");

    // The officer makes the streets, communities and the practice tree down to a 站 serving two communities.
    await newOrg(officer, streets.shipai, "石牌街道", "STREET", district);
    await newOrg(officer, streets.linhe, "林和街道", "STREET", district);
    await newOrg(officer, communities.gangding, "岗顶社区", "COMMUNITY", streets.shipai);
    await newOrg(officer, communities.pazhou, "潭村社区", "COMMUNITY", streets.shipai);
    expect((await newOrg(officer, communities.linzhong, "林中社区", "COMMUNITY", streets.linhe)).place).toMatchObject({ streetId: streets.linhe, districtId: district, communityId: communities.linzhong });
    // Outside her district, or a root of her own: refused.
    expect((await platform.call("POST", "/api/v1/orgs", officer, { orgId: "gz-elsewhere", name: "越权区", kind: "ORG_KIND_DISTRICT", parentId: city })).status).toBe(403);
    expect((await platform.call("POST", "/api/v1/orgs", officer, { orgId: "sz", name: "深圳市", kind: "ORG_KIND_CITY" })).status).toBe(403);
    expect((await platform.call("POST", "/api/v1/orgs", admin, { orgId: "gz-orphan", name: "无上级区", kind: "ORG_KIND_DISTRICT" })).body.code).toBe("PARENT_REQUIRED");
    await newOrg(officer, practice.center, "天河区新时代文明实践中心", "PRACTICE_CENTER", district);
    await newOrg(officer, practice.institute, "石牌街道新时代文明实践所", "PRACTICE_INSTITUTE", practice.center);
    await newOrg(officer, practice.station, "岗顶社区新时代文明实践站", "PRACTICE_STATION", practice.institute);
    const served = await platform.call("PATCH", `/api/v1/orgs/${practice.station}`, officer, { servedCommunityIds: [communities.gangding, communities.pazhou] });
    expect(served.status, JSON.stringify(served.body)).toBe(200);
    expect(served.body.organization).toMatchObject({ kind: "ORG_KIND_PRACTICE_STATION", servedCommunityIds: [communities.gangding, communities.pazhou] });
    expect((await platform.call("GET", `/api/v1/orgs/${practice.station}/ancestors`, officer)).body.organizations.map((o: { orgId: string }) => o.orgId)).toEqual([city, district, practice.center, practice.institute]);

    // A community worker for 岗顶社区: she signs in, is told to change her password, and does.
    const worker = await newStaff(officer, "gangding.worker", "岗顶社区 林社工", "COMMUNITY_WORKER", communities.gangding, "林社工的密码-2026");

    // A team, its members from Excel: three bad rows reported in Chinese, nothing imported.
    const registered = await platform.call("POST", "/api/v1/teams", officer, { teamId, name: "天河区健康科普志愿服务队", orgId: district, themes: ["THEME_HEALTH"], serviceAreaOrgIds: [streets.shipai] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(200);
    const template = await fetch(`${platform.gateway.httpUrl}/api/v1/imports/volunteers/template`, { headers: { authorization: `Bearer ${officer}` } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await template.arrayBuffer());
    const headers = (book.getWorksheet("导入")!.getRow(1).values as string[]).slice(1);
    const volunteer = (i: number, extra: Record<string, string> = {}) => ({ 队伍编号: teamId, 志愿者编号: `th-vol-${i}`, 姓名: `志愿者${i}`, 手机号: `1390000200${i}`, 技能: "HEALTH", ...extra });
    const bad = await sheet(headers, [
      volunteer(1),
      volunteer(2, { 手机号: "1390000" }), // row 3: the phone
      volunteer(3, { 出生日期: "2018-05-01" }), // row 4: a child without a guardian's consent
      volunteer(4, { 技能: "占卜" }), // row 5: no such theme
      volunteer(5),
    ]);
    const volunteers = () => mongo.db(platform.engines.database("registry")).collection("volunteers").countDocuments({ teamId });
    const teamVersion = async () => (await mongo.db(platform.engines.database("registry")).collection("teams").findOne({ _id: teamId as never }))?.version;
    const before = await teamVersion();
    const report = await upload(officer, bad);
    expect(report.status).toBe(200);
    expect(report.body.imported ?? false).toBe(false);
    expect(report.body.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
      [3, "手机号"],
      [4, "监护人姓名"],
      [5, "技能"],
    ]);
    for (const problem of report.body.problems) expect(problem.problem).toMatch(chinese);
    expect([await volunteers(), await teamVersion()]).toEqual([0, before]);
    expect((await platform.call("GET", `/api/v1/teams/${teamId}/members`, officer)).body.total ?? 0).toBe(0);

    // The fixed file imports all five; the same file again changes nothing.
    const fixed = await sheet(headers, [
      volunteer(1),
      volunteer(2),
      volunteer(3, { 出生日期: "2018-05-01", 监护人姓名: "志愿者3的妈妈", 监护人电话: "13900002009", 监护人关系: "母亲", 监护人同意日期: "2026-11-01" }),
      volunteer(4, { 技能: "HEALTH、FOOD_SAFETY" }),
      volunteer(5),
    ]);
    expect((await upload(officer, fixed)).body).toMatchObject({ imported: true, rows: 5, written: 5 });
    const version = await teamVersion();
    const again = await upload(officer, fixed);
    expect([again.body.imported, again.body.repeated, again.body.written ?? 0]).toEqual([true, true, 0]);
    expect([await volunteers(), await teamVersion()]).toEqual([5, version]);
    expect((await platform.call("GET", `/api/v1/teams/${teamId}/members`, officer)).body.total).toBe(5);

    // The team's leader gets an account too, and leads the team.
    const leader = await newStaff(officer, "tianhe.leader", "健康队 周队长", "TEAM_LEADER", teamId, "周队长的密码-2026");
    expect((await platform.call("PATCH", `/api/v1/teams/${teamId}`, officer, { leaderId: "tianhe.leader" })).body.team).toMatchObject({ leaderId: "tianhe.leader" });
    // Phones are the leader's (and the admin's) to see in clear; the officer sees them masked.
    const byLeader = (await platform.call("GET", `/api/v1/teams/${teamId}/members`, leader)).body.volunteers;
    expect(byLeader.find((v: { volunteerId: string }) => v.volunteerId === "th-vol-1").phone).toBe("13900002001");
    expect((await platform.call("GET", `/api/v1/teams/${teamId}/members`, officer)).body.volunteers.find((v: { volunteerId: string }) => v.volunteerId === "th-vol-1").phone).toBe("139****2001");
    // Dispatch has heard of the team and its five members.
    await platform.engines.waitForDocuments("dispatch", "teams", [teamId], (t) => (t.memberIds as string[] | undefined)?.length === 5);

    // A resident picks her community before signing in, by the names she is shown: district → street →
    // community; or by its name, or its pinyin initials. Only communities are offered at the last step.
    const pick = async (parentId: string, kind: string, name: string) => {
      const children = (await platform.call("GET", `/api/v1/orgs/${parentId}/children?kind=ORG_KIND_${kind}`)).body.organizations as { orgId: string; name: string }[];
      return children.find((o) => o.name === name)?.orgId;
    };
    const pickedDistrict = await pick(city, "DISTRICT", "天河区");
    const pickedStreet = await pick(pickedDistrict!, "STREET", "石牌街道");
    expect([pickedDistrict, pickedStreet]).toEqual([district, streets.shipai]);
    expect(ids((await platform.call("GET", `/api/v1/orgs/${pickedStreet}/children?kind=ORG_KIND_COMMUNITY`)).body).sort()).toEqual([communities.gangding, communities.pazhou]);
    const picked = await pick(pickedStreet!, "COMMUNITY", "岗顶社区");
    expect(ids((await platform.call("GET", `/api/v1/orgs?q=${encodeURIComponent("岗顶")}&kind=ORG_KIND_COMMUNITY`)).body)).toEqual([picked]);
    expect(ids((await platform.call("GET", "/api/v1/orgs?q=gdsq&kind=ORG_KIND_COMMUNITY")).body)).toEqual([picked]);
    const phone = "13700008888";
    await platform.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
    const code = await waitFor(() => platform.redis.get(`${platform.engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
    const resident = (await platform.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId: picked, displayName: "黄阿姨" })).body.accessToken as string;
    expect((await platform.call("GET", "/api/v1/me", resident)).body).toMatchObject({ role: "RESIDENT", orgId: communities.gangding });

    // Nothing on her community's menu: no HTTP route publishes a menu item yet (issue 16), so she orders what she needs.
    expect((await platform.call("GET", `/api/v1/menu?communityId=${communities.gangding}`, resident)).body.items ?? []).toEqual([]);
    const placed = await platform.call("POST", "/api/v1/orders", resident, { title: "老年人健康讲座", description: "想听高血压的日常管理", theme: "THEME_HEALTH", expectedParticipants: 30, communityId: communities.gangding });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const orderId = placed.body.order.orderId as string;

    // The new worker sees it in her inbox, dispatches it to the new team, whose new leader accepts.
    const inbox = await waitFor(async () => (await platform.call("GET", "/api/v1/orders?status=SUBMITTED", worker)).body.orders?.find((o: { orderId: string }) => o.orderId === orderId), { what: "the order in the worker's inbox" });
    expect(inbox.status).toBe("ORDER_STATUS_SUBMITTED");
    const suggested = await waitFor(async () => (await platform.call("GET", `/api/v1/orders/${orderId}/suggestions`, worker)).body.suggestions?.[0], { what: "a team suggested" });
    expect(suggested.teamId).toBe(teamId);
    const dispatched = await platform.call("POST", `/api/v1/orders/${orderId}/dispatch`, worker, { teamIds: [teamId] });
    expect(dispatched.body.order?.status, JSON.stringify(dispatched.body)).toBe("ORDER_STATUS_DISPATCHED");
    const offered = await platform.call("GET", "/api/v1/orders?status=DISPATCHED", leader);
    expect(offered.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);
    const accepted = await platform.call("POST", `/api/v1/orders/${orderId}/accept`, leader, {});
    expect(accepted.body.order, JSON.stringify(accepted.body)).toMatchObject({ status: "ORDER_STATUS_ACCEPTED", acceptedTeamId: teamId });
    // She sees it taken by the team (accepted, or already scheduled as its activity, which follows an acceptance).
    expect((await platform.call("GET", `/api/v1/orders/${orderId}`, resident)).body.order).toMatchObject({ orderId, acceptedTeamId: teamId, status: expect.stringMatching(/^ORDER_STATUS_(ACCEPTED|SCHEDULED)$/) });
  });
});
