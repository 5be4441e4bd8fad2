// Teams kept over HTTP and volunteers imported from Excel, through the gateway to the registry
// (services as processes on the test's own engines).
import ExcelJS from "exceljs";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Platform } from "./platform.js";

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
    const template = await fetch(`${platform.gateway.httpUrl}/api/v1/imports/volunteers/template`, { headers: { authorization: `Bearer ${district}` } });
    expect(template.headers.get("content-type")).toContain(xlsxType);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await template.arrayBuffer());
    const headers = (book.getWorksheet("导入")!.getRow(1).values as string[]).slice(1);
    expect(headers.slice(0, 4)).toEqual(["队伍编号", "志愿者编号", "姓名", "手机号"]);
    expect(book.getWorksheet("填写说明")!.rowCount).toBe(headers.length + 1);

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
    expect(report.body.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
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
