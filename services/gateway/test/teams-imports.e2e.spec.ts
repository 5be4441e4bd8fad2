// Teams kept over HTTP and volunteers imported from Excel, through the gateway to the registry
// (services as processes on the test's own engines).
import ExcelJS from "exceljs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Platform, community } from "./platform.js";

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let platform: Platform;
let admin: string;
let district: string;
let leader: string;
let mongo: MongoClient;

beforeAll(async () => {
  platform = await Platform.start("gwteams", { RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" });
  mongo = new MongoClient(platform.engines.urls.mongoUrl);
  [admin, district, leader] = await Promise.all([platform.signIn("admin"), platform.signIn("district"), platform.signIn("leader")]);
});

afterAll(async () => {
  await mongo?.close();
  await platform?.stop();
});

async function upload(token: string, file: Buffer, kind = "volunteers") {
  const response = await fetch(`${platform.gateway.httpUrl}/api/v1/imports/${kind}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": xlsxType }, body: file });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A sheet with the template's headers and these rows. */
async function sheet(headers: string[], rows: string[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const s = book.addWorksheet("导入");
  s.addRow(headers);
  for (const row of rows) s.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The template of a kind, downloaded: its sheet's headers, and the number of rows of its notes. */
async function template(kind: string, token: string): Promise<{ headers: string[]; notes: number }> {
  const response = await fetch(`${platform.gateway.httpUrl}/api/v1/imports/${kind}/template`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.headers.get("content-type")).toContain(xlsxType);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await response.arrayBuffer());
  return { headers: (book.getWorksheet("导入")!.getRow(1).values as string[]).slice(1), notes: book.getWorksheet("填写说明")!.rowCount - 1 };
}

const problemCells = (body: Record<string, any>) => (body.problems as { row: number; column: string }[]).map((p) => [p.row, p.column]); // eslint-disable-line @typescript-eslint/no-explicit-any

const members = async (teamId: string, token: string, query = "") => (await platform.call("GET", `/api/v1/teams/${teamId}/members${query}`, token)).body;
const registryDb = () => mongo.db(platform.engines.database("registry"));
/** The import team as stored, without its outbox (the relay empties it whenever it likes). */
const teamDoc = async () => {
  const doc = await registryDb().collection("teams").findOne({ _id: "team-import" as never });
  return doc && { version: doc.version, memberIds: doc.memberIds };
};

describe("teams over HTTP", () => {
  it("registers, edits, lets members join and leave, lists them paged with phones masked but for the leader, and deactivates", async () => {
    const registered = await platform.call("POST", "/api/v1/teams", district, { teamId: "team-http", name: "福田健康队", orgId: "sz-futian", themes: ["THEME_HEALTH"], serviceAreaOrgIds: ["sz-futian"] });
    expect([registered.status, registered.body.team.active, registered.body.team.memberCount ?? 0]).toEqual([200, true, 0]);
    expect((await platform.call("POST", "/api/v1/teams", district, { teamId: "team-far", name: "越权", orgId: "sz-luohu", themes: ["THEME_HEALTH"], serviceAreaOrgIds: ["sz-luohu"] })).status).toBe(403);

    const edited = await platform.call("PATCH", "/api/v1/teams/team-http", district, { name: "福田区健康科普队", themes: ["THEME_HEALTH", "THEME_FOOD_SAFETY"] });
    expect(edited.body.team).toMatchObject({ name: "福田区健康科普队", themes: ["THEME_HEALTH", "THEME_FOOD_SAFETY"], serviceAreaOrgIds: ["sz-futian"] });

    for (const [volunteerId, phone] of [["vol-h1", "13900000001"], ["vol-h2", "13900000002"], ["vol-h3", "13900000003"]]) {
      expect((await platform.call("POST", "/api/v1/teams/team-http/members", district, { volunteerId, realName: "王小明", phone, skills: ["THEME_HEALTH"] })).status).toBe(200);
    }
    const child = await platform.call("POST", "/api/v1/teams/team-http/members", district, { volunteerId: "vol-child", realName: "李小朋", phone: "13900000009", birthDate: "2018-03-01T00:00:00Z" });
    expect([child.status, child.body.code]).toEqual([400, "GUARDIAN_CONSENT_REQUIRED"]);

    const page = await members("team-http", district, "?pageSize=2");
    expect([page.total, page.volunteers.map((v: { volunteerId: string }) => v.volunteerId), page.volunteers[0].phone]).toEqual([3, ["vol-h1", "vol-h2"], "139****0001"]);
    expect((await members("team-http", admin, "?page=1&pageSize=2")).volunteers).toMatchObject([{ volunteerId: "vol-h3", phone: "13900000003", status: "VOLUNTEER_STATUS_ACTIVE" }]);

    const left = await platform.call("POST", "/api/v1/teams/team-http/members/vol-h2/leave", district);
    expect([left.status, left.body.team.memberCount]).toEqual([200, 2]);
    expect((await platform.call("POST", "/api/v1/teams/team-http/members/vol-h2/leave", district)).body.code).toBe("NOT_A_MEMBER");
    expect((await members("team-http", district)).total).toBe(2);

    // The leader of another team may neither change this one nor see it.
    expect((await platform.call("POST", "/api/v1/teams/team-http/deactivate", leader, {})).status).toBe(403);
    const deactivated = await platform.call("POST", "/api/v1/teams/team-http/deactivate", district, { reason: "合并到区队" });
    expect([deactivated.status, deactivated.body.team.active ?? false]).toEqual([200, false]);
    expect((await platform.call("POST", "/api/v1/teams/team-http/members", district, { volunteerId: "vol-h9", realName: "赵六", phone: "13900000008" })).body.code).toBe("TEAM_INACTIVE");
    // Dispatch hears of it: its read model marks the team inactive.
    await platform.engines.waitForDocuments("dispatch", "teams", ["team-http"], (t) => t.active === false);
  });
});

describe("volunteers from Excel", () => {
  it("downloads the template, reports every bad row and writes nothing, then imports the fixed file once", async () => {
    const { headers, notes } = await template("volunteers", district);
    expect(headers.slice(0, 4)).toEqual(["队伍编号", "志愿者编号", "姓名", "手机号"]);
    expect(notes).toBe(headers.length);

    expect((await platform.call("POST", "/api/v1/teams", district, { teamId: "team-import", name: "导入队", orgId: "sz-futian", themes: ["THEME_HEALTH"], serviceAreaOrgIds: ["sz-futian"] })).status).toBe(200);
    const good = (i: number) => ["team-import", `vol-x${i}`, `志愿者${i}`, `1380000100${i}`, "HEALTH", "1990-01-01", "", "", "", ""];
    const bad = await sheet(headers, [
      good(1),
      ["team-import", "vol-x2", "志愿者2", "12345", "HEALTH", "", "", "", "", ""], // row 3: phone
      ["team-import", "vol-x3", "小孩", "13800001003", "", "2019-06-01", "", "", "", ""], // row 4: under 14, no consent
      ["team-import", "vol-x1", "重复", "13800001004", "魔法", "", "", "", "", ""], // row 5: id twice, unknown theme
      good(6),
    ]);
    const before = await teamDoc();
    const report = await upload(district, bad);
    expect(report.status).toBe(200);
    expect(report.body.imported ?? false).toBe(false);
    expect(problemCells(report.body)).toEqual([
      [3, "手机号"],
      [4, "监护人姓名"],
      [5, "志愿者编号"],
      [5, "技能"],
    ]);
    expect(report.body.problems[0].problem).toBe("请填写正确的 11 位手机号");
    expect(await teamDoc()).toEqual(before); // nothing written
    expect(await registryDb().collection("volunteers").countDocuments({ teamId: "team-import" })).toBe(0);

    const fixed = await sheet(headers, [
      good(1),
      ["team-import", "vol-x2", "志愿者2", "13800001002", "HEALTH、FOOD_SAFETY", "", "", "", "", ""],
      ["team-import", "vol-x3", "小孩", "13800001003", "", "2019-06-01", "李家长", "13800001009", "母亲", "2026-01-10"],
      ["team-import", "vol-x4", "志愿者4", "13800001004", "", "", "", "", "", ""],
      good(6),
    ]);
    const done = await upload(district, fixed);
    expect(done.body).toMatchObject({ imported: true, rows: 5, written: 5 });
    const listed = await members("team-import", district);
    expect([listed.total, listed.volunteers.find((v: { volunteerId: string }) => v.volunteerId === "vol-x3")]).toMatchObject([5, { minor: true, phone: "138****1003" }]);
    await platform.engines.waitForDocuments("dispatch", "teams", ["team-import"], (t) => (t.memberIds as string[] | undefined)?.length === 5);

    const version = (await teamDoc())?.version;
    const again = await upload(district, fixed);
    expect(again.body).toMatchObject({ imported: true, repeated: true });
    expect(again.body.written ?? 0).toBe(0);
    expect((await teamDoc())?.version).toBe(version);

    // A sheet naming a team the importer may not change is refused whole.
    const luohu = await sheet(headers, [["team-futian", "vol-y1", "某人", "13800002001", "", "", "", "", "", ""]]);
    expect((await upload(await platform.signIn("street"), luohu)).status).toBe(403);
    expect((await upload(district, Buffer.from("not a spreadsheet"))).body.code).toBe("BAD_XLSX");
  });
});

/** The stored versions of these records (undefined for one not stored). */
const versions = async (collection: string, ids: string[]) => {
  const docs = await registryDb().collection(collection).find({ _id: { $in: ids as never[] } }).toArray();
  return ids.map((id) => docs.find((d) => d._id === (id as never))?.version);
};

describe("org units from Excel", () => {
  it("reports every bad row and writes nothing, imports the fixed tree (parents from rows above, communities served), and the same file again changes nothing", async () => {
    const { headers, notes } = await template("orgs", district);
    expect([headers, notes]).toEqual([["机构编号", "名称", "类型", "上级编号", "服务社区"], 5]);
    const ids = ["sz-futian-imp", "sz-futian-imp-c1", "sz-futian-imp-c2", "sz-futian-imp-center", "sz-futian-imp-inst", "sz-futian-imp-st", "sz-futian-imp-psc"];
    const [street, c1, c2, center, inst, station, psc] = ids as [string, string, string, string, string, string, string];
    const bad = await sheet(headers, [
      [street, "莲花街道", "街道", "sz-futian", ""],
      [c1, "莲花一村社区", "社区", street, ""],
      [c2, "莲花二村社区", "乡镇", street, ""], // row 4: no such kind
      ["sz-futian-imp-x", "错挂社区", "社区", "sz-futian", ""], // row 5: a community under a district
      [station, "莲花一村新时代文明实践站", "新时代文明实践站", street, c1], // row 6: a station under a street
      [c1, "重复社区", "社区", street, ""], // row 7: the id twice
    ]);
    const report = await upload(district, bad, "orgs");
    expect([report.status, report.body.imported ?? false]).toEqual([200, false]);
    expect(problemCells(report.body)).toEqual([
      [4, "类型"],
      [5, "上级编号"],
      [6, "上级编号"],
      [7, "机构编号"],
    ]);
    expect(report.body.problems[1].problem).toBe("社区不能设在区之下");
    expect(await versions("organizations", ids)).toEqual(ids.map(() => undefined)); // nothing written

    const fixed = await sheet(headers, [
      [street, "莲花街道", "街道", "sz-futian", ""],
      [c1, "莲花一村社区", "社区", street, ""],
      [c2, "莲花二村社区", "社区", street, ""],
      [center, "福田区新时代文明实践中心", "新时代文明实践中心", "sz-futian", ""],
      [inst, "莲花街道新时代文明实践所", "新时代文明实践所", center, ""],
      [station, "莲花一村新时代文明实践站", "新时代文明实践站", inst, `${c1}、${c2}`],
      [psc, "莲花街道党群服务中心", "党群服务中心", street, c1],
    ]);
    const done = await upload(district, fixed, "orgs");
    expect(done.body).toMatchObject({ imported: true, rows: 7, written: 7 });
    const stationNow = (await platform.call("GET", `/api/v1/orgs/${station}`, district)).body.organization;
    expect(stationNow).toMatchObject({ kind: "ORG_KIND_PRACTICE_STATION", parentId: inst, servedCommunityIds: [c1, c2], place: { path: ["sz", "sz-futian", center, inst, station] } });
    // Dispatch hears of every new org (OrganizationRegistered), in its own read model.
    await platform.engines.waitForDocuments("dispatch", "orgs", ids, (o) => (o.path as string[] | undefined)?.includes("sz-futian") === true);

    const stored = await versions("organizations", ids);
    const again = await upload(district, fixed, "orgs");
    expect(again.body).toMatchObject({ imported: true, repeated: true });
    expect(again.body.written ?? 0).toBe(0);
    expect(await versions("organizations", ids)).toEqual(stored);
    expect(await registryDb().collection("imports").find({ kind: "orgs" }).project({ rows: 1, written: 1 }).toArray()).toMatchObject([{ rows: 7, written: 7 }]); // one record of the file

    // Outside the importer's subtree, or a root (a city is an admin's): refused whole.
    expect((await upload(district, await sheet(headers, [["sz-luohu-imp", "罗湖某街道", "街道", "sz-luohu", ""]]), "orgs")).status).toBe(403);
    expect((await upload(district, await sheet(headers, [["gz", "广州市", "市", "", ""]]), "orgs")).status).toBe(403);
  });
});

describe("teams from Excel", () => {
  it("reports every bad row and writes nothing, imports the fixed file through the team command, and the same file again changes nothing", async () => {
    const { headers, notes } = await template("teams", district);
    expect([headers, notes]).toEqual([["队伍编号", "队伍名称", "所属机构编号", "服务范围", "主题", "队长志愿者编号"], 6]);
    const ids = ["team-imp-1", "team-imp-2", "team-imp-3"];
    const bad = await sheet(headers, [
      ["team-imp-1", "园岭健康队", "sz-futian-yuanling", "sz-futian-yuanling", "卫生健康、食品安全", "vol-lead"],
      ["team-imp-2", "幽灵队", "sz-ghost", "sz-futian", "卫生健康", ""], // row 3: no such org
      ["team-imp-3", "魔法队", "sz-futian", "sz-futian", "魔法", ""], // row 4: no such theme
      ["team-imp-4", "无范围队", "sz-futian", "", "人工智能", ""], // row 5: no service area
    ]);
    const report = await upload(district, bad, "teams");
    expect([report.status, report.body.imported ?? false]).toEqual([200, false]);
    expect(problemCells(report.body)).toEqual([
      [3, "所属机构编号"],
      [4, "主题"],
      [5, "服务范围"],
    ]);
    expect(report.body.problems[1].problem).toBe("未知的科普主题“魔法”");
    expect(await versions("teams", ids)).toEqual(ids.map(() => undefined)); // nothing written

    const fixed = await sheet(headers, [
      ["team-imp-1", "园岭健康队", "sz-futian-yuanling", "sz-futian-yuanling", "卫生健康、食品安全", "vol-lead"],
      ["team-imp-2", "福田数字队", "sz-futian", `sz-futian-yuanling、${community}`, "数字素养", ""],
      ["team-imp-3", "福田科学队", "sz-futian", "sz-futian", "人工智能、科学家精神", ""],
    ]);
    const done = await upload(district, fixed, "teams");
    expect(done.body).toMatchObject({ imported: true, rows: 3, written: 3 });
    const first = (await platform.call("GET", "/api/v1/teams/team-imp-1", district)).body.team;
    expect(first).toMatchObject({ name: "园岭健康队", orgId: "sz-futian-yuanling", themes: ["THEME_HEALTH", "THEME_FOOD_SAFETY"], serviceAreaOrgIds: ["sz-futian-yuanling"], leaderId: "vol-lead", active: true });
    await platform.engines.waitForDocuments("dispatch", "teams", ids, (t) => t.active !== false);

    const stored = await versions("teams", ids);
    const again = await upload(district, fixed, "teams");
    expect(again.body).toMatchObject({ imported: true, repeated: true });
    expect(again.body.written ?? 0).toBe(0);
    expect(await versions("teams", ids)).toEqual(stored);
    expect(await registryDb().collection("imports").find({ kind: "teams" }).project({ rows: 1, written: 1 }).toArray()).toMatchObject([{ rows: 3, written: 3 }]);

    // A team for an org outside the importer's subtree: refused whole.
    expect((await upload(district, await sheet(headers, [["team-luohu-imp", "罗湖队", "sz-luohu", "sz-luohu", "卫生健康", ""]]), "teams")).status).toBe(403);
  });
});
