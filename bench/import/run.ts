// bench/import: BENCH_IMPORT_ROWS-row (default 10,000) sheets uploaded to the gateway's
// POST /api/v1/imports/:kind by a district association (sz-futian), one kind after another:
//  - volunteers: every row a new volunteer, all joining one team;
//  - orgs: a realistic tree under the district — per street its communities, a 新时代文明实践所
//    under the district's 文明实践中心 (row 1) with its 站 each serving two of the street's
//    communities, and a 党群服务中心 under the street serving three;
//  - teams: every row a team owned by one of those streets, serving one of its communities.
// Per kind: the time until the answer (the gateway reading the xlsx, the registry checking every
// row and writing), the peak RSS of the registry and the gateway, the same file uploaded again (it
// must change nothing), and when every event reached Kafka through the outbox. Baseline in the
// same run, for the volunteers: the raw MongoDB driver doing the same writes at its floor — the
// personal records as one unordered insertMany, then one team document with every member id and
// an outbox entry each. Target: ≤ 30 s a kind (issue 15). Writes bench/results/import.json (the
// volunteer figures at the top, as before; every kind under `kinds`).
// BENCH_IMPORT_KINDS (default "volunteers,orgs,teams") runs some of them; teams need orgs. The
// relay is waited for up to BENCH_IMPORT_RELAY_WAIT_MS (default 180 s) a kind.
import { loadavg } from "node:os";
import ExcelJS from "exceljs";
import { MongoClient, type Db } from "mongodb";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { sampleRss } from "../lib/rss.js";

type Kind = "volunteers" | "orgs" | "teams";
const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const kinds = (process.env.BENCH_IMPORT_KINDS ?? "volunteers,orgs,teams").split(",").filter(Boolean) as Kind[];
if (kinds.includes("teams") && !kinds.includes("orgs")) throw new Error("the team sheet's owners are the org sheet's streets: run orgs with teams");
const targetMs = 30_000;
/** How long a kind waits for the relay to publish its events before the next kind (BENCH_IMPORT_RELAY_WAIT_MS). */
const relayWaitMs = Number(process.env.BENCH_IMPORT_RELAY_WAIT_MS ?? 180_000);
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The org sheet's rows, parents first: per street 60 communities, a 所 with 37 站 serving two communities each, a 党群服务中心 serving three. */
function orgSheetRows(count: number): { rows: Record<string, string>[]; streets: { streetId: string; communityIds: string[] }[] } {
  const center = "sz-futian-sjzx";
  const out: Record<string, string>[] = [{ 机构编号: center, 名称: "福田区新时代文明实践中心", 类型: "新时代文明实践中心", 上级编号: "sz-futian" }];
  const streets: { streetId: string; communityIds: string[] }[] = [];
  for (let s = 0; out.length < count; s++) {
    const streetId = `sz-futian-s${s}`;
    const communityIds = Array.from({ length: 60 }, (_, c) => `${streetId}-c${c}`);
    const block: Record<string, string>[] = [{ 机构编号: streetId, 名称: `第${s}街道`, 类型: "街道", 上级编号: "sz-futian" }];
    communityIds.forEach((id, c) => block.push({ 机构编号: id, 名称: `第${s}街道第${c}社区`, 类型: "社区", 上级编号: streetId }));
    block.push({ 机构编号: `${streetId}-suo`, 名称: `第${s}街道新时代文明实践所`, 类型: "新时代文明实践所", 上级编号: center });
    for (let z = 0; z < 37; z++) {
      block.push({ 机构编号: `${streetId}-zhan${z}`, 名称: `第${s}街道第${z}新时代文明实践站`, 类型: "新时代文明实践站", 上级编号: `${streetId}-suo`, 服务社区: [communityIds[z]!, communityIds[z + 23]!].join("、") });
    }
    block.push({ 机构编号: `${streetId}-dq`, 名称: `第${s}街道党群服务中心`, 类型: "党群服务中心", 上级编号: streetId, 服务社区: communityIds.slice(0, 3).join("、") });
    const kept = block.slice(0, count - out.length);
    out.push(...kept);
    const written = new Set(kept.map((r) => r.机构编号));
    streets.push({ streetId, communityIds: communityIds.filter((id) => written.has(id)) });
  }
  return { rows: out, streets: streets.filter((s) => s.communityIds.length > 0) };
}

const engines = new TestEngines(uniquePrefix("benchimport"));
await engines.createTopics([engines.topic("registry")], 6);
const mongo = new MongoClient(engines.urls.mongoUrl);
await mongo.connect();

const registry = await ServiceProcess.start("registry", engines.serviceEnv({ LOG_LEVEL: "warn" }));
const gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ LOG_LEVEL: "warn", DEMO_ACCOUNTS: "1", REGISTRY_GRPC: registry.grpcAddress, RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
const client = createRpcClient(RegistryService, registry.grpcAddress, { signer: testSigner() });
try {
  const admin = { actor: { id: "admin", role: Role.ADMIN } };
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"]] as const) await client.registerOrganization({ orgId, name: orgId, kind, parentId }, admin);
  await client.registerTeam({ teamId: "team-bench", name: "福田区科技志愿服务总队", orgId: "sz-futian", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] }, admin);
  const db = mongo.db(engines.database("registry"));

  const http = async (method: string, path: string, token: string | undefined, body?: Buffer | object) => {
    const raw = body instanceof Buffer ? body : body ? JSON.stringify(body) : undefined;
    const response = await fetch(`${gateway.httpUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(raw ? { "content-type": body instanceof Buffer ? xlsxType : "application/json" } : {}) },
      ...(raw ? { body: raw } : {}),
    });
    return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? ((await response.json()) as Record<string, any>) : {}, raw: response }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const token = (await http("POST", "/api/v1/auth/sign-in", undefined, { account: "district", password: "kepu-demo" })).body.accessToken as string;

  /** A sheet of the kind's downloaded template, one row per record (missing columns left empty). */
  const sheetOf = async (kind: Kind, records: Record<string, string>[]): Promise<Buffer> => {
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(await (await fetch(`${gateway.httpUrl}/api/v1/imports/${kind}/template`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
    const headers = (template.getWorksheet("导入")!.getRow(1).values as string[]).slice(1);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("导入");
    sheet.addRow(headers);
    for (const values of records) sheet.addRow(headers.map((h) => values[h] ?? ""));
    return Buffer.from(await book.xlsx.writeBuffer());
  };

  /** Uploads a kind's sheet twice: the answer's time and peak RSS, then the same file again (`version` reads a document's version that must not move). */
  const timed = async (kind: Kind, file: Buffer, version: () => Promise<number | undefined>, pending: () => Promise<boolean>, pendingCount: () => Promise<number>) => {
    console.log(`${kind}: sheet of ${rows} rows, ${Math.round(file.length / 1024)} KiB`);
    const rssRegistry = sampleRss(registry.pid!, 200);
    const rssGateway = sampleRss(gateway.pid!, 200);
    const started = Date.now();
    const first = await http("POST", `/api/v1/imports/${kind}`, token, file);
    const importMs = Date.now() - started;
    const peakRssMb = { registry: Math.max(0, ...rssRegistry.stop()), gateway: Math.max(0, ...rssGateway.stop()) };
    if (first.status !== 200 || first.body.imported !== true) throw new Error(`${kind} import failed: ${first.status} ${JSON.stringify(first.body).slice(0, 500)}`);
    console.log(`${kind}: imported ${rows} rows in ${importMs} ms (written ${first.body.written})`);
    const versionBefore = await version();
    const againStarted = Date.now();
    const again = await http("POST", `/api/v1/imports/${kind}`, token, file);
    const againMs = Date.now() - againStarted;
    const versionAfter = await version();
    // Every event reaches Kafka through the outbox (not part of the answer's time): waited for up
    // to relayWaitMs; what is still pending then is recorded (and the next kind starts anyway).
    const relayed = await waitFor(async () => !(await pending()), { timeoutMs: relayWaitMs, intervalMs: 5000 }).then(
      () => true,
      () => false,
    );
    const allEventsRelayedMs = relayed ? Date.now() - started : null;
    const pendingAfterWait = relayed ? 0 : await pendingCount();
    return {
      rows,
      fileKiB: Math.round(file.length / 1024),
      importMs,
      rowsPerSecond: Math.round((rows / importMs) * 1000),
      targetMs,
      meetsTarget: importMs <= targetMs,
      written: Number(first.body.written ?? 0),
      peakRssMb,
      sameFileAgain: { ms: againMs, repeated: again.body.repeated === true, versionUnchanged: versionBefore !== undefined && versionBefore === versionAfter },
      allEventsRelayedMs,
      ...(relayed ? {} : { relayWaitMs, documentsWithPendingEventsAfterWait: pendingAfterWait }),
    };
  };
  const versionOf = (collection: string, id: string) => async () => (await db.collection(collection).findOne({ _id: id as never }, { projection: { version: 1 } }))?.version as number | undefined;
  const anyPending = (collection: string) => async () => (await db.collection(collection).findOne({ outboxCount: { $gt: 0 } }, { projection: { _id: 1 } })) !== null;
  const pendingIn = (collection: string) => () => db.collection(collection).countDocuments({ outboxCount: { $gt: 0 } });
  const figures: Partial<Record<Kind, Awaited<ReturnType<typeof timed>>>> = {};
  const table: Record<string, string | number>[] = [];
  const row = (what: string, ms: number, rss?: { registry: number; gateway: number }) => table.push({ what, ms, peakRssRegistryMb: rss?.registry ?? 0, peakRssGatewayMb: rss?.gateway ?? 0 });

  let volunteers: Record<string, unknown> = {};
  if (kinds.includes("volunteers")) {
    const records = Array.from({ length: rows }, (_, i) => ({ 队伍编号: "team-bench", 志愿者编号: `vol-${String(i).padStart(6, "0")}`, 姓名: `志愿者${i}`, 手机号: `138${String(i).padStart(8, "0")}`, 技能: "HEALTH", 出生日期: "1990-01-01" }));
    const result = await timed("volunteers", await sheetOf("volunteers", records), versionOf("teams", "team-bench"), async () => ((await db.collection("teams").findOne({ _id: "team-bench" as never }))?.outboxCount ?? 1) > 0, pendingIn("teams"));
    figures.volunteers = result;
    const members = (await http("GET", "/api/v1/teams/team-bench/members?pageSize=1", token)).body.total as number;

    // Baseline: the same writes with the raw driver, in one go each.
    const scratch: Db = mongo.db(`${engines.prefix}baseline`);
    const baselineStarted = Date.now();
    await scratch.collection<{ _id: string }>("volunteers").insertMany(
      Array.from({ length: rows }, (_, i) => ({ _id: `vol-${i}`, teamId: "team-bench", realName: `志愿者${i}`, phone: `138${String(i).padStart(8, "0")}`, skills: [Theme.HEALTH], minor: false, status: "active" })),
      { ordered: false },
    );
    const ids = Array.from({ length: rows }, (_, i) => `vol-${i}`);
    await scratch.collection<{ _id: string; memberIds: string[]; outbox: object[]; outboxCount: number }>("teams").insertOne({ _id: "team-bench", memberIds: ids, outbox: ids.map((id) => ({ id, topic: "t", key: "team-bench", value: Buffer.alloc(120) })), outboxCount: rows });
    const baselineMs = Date.now() - baselineStarted;
    await scratch.dropDatabase();
    volunteers = {
      rows,
      fileKiB: result.fileKiB,
      importMs: result.importMs,
      rowsPerSecond: result.rowsPerSecond,
      targetMs,
      meetsTarget: result.meetsTarget,
      membersAfter: members,
      peakRssMb: result.peakRssMb,
      sameFileAgain: { ms: result.sameFileAgain.ms, repeated: result.sameFileAgain.repeated, teamVersionUnchanged: result.sameFileAgain.versionUnchanged },
      allEventsRelayedMs: result.allEventsRelayedMs,
      baseline: { what: "raw MongoDB driver: insertMany of the personal records + one team document with every member id and an outbox entry each", ms: baselineMs },
      ratioToBaseline: Math.round((baselineMs / result.importMs) * 100) / 100,
    };
    row(`import of ${rows} volunteers (HTTP answer)`, result.importMs, result.peakRssMb);
    row("volunteers: the same file again", result.sameFileAgain.ms);
    row("volunteers: baseline, raw driver, same writes", baselineMs);
  }

  let streets: ReturnType<typeof orgSheetRows>["streets"] = [];
  if (kinds.includes("orgs")) {
    const sheet = orgSheetRows(rows);
    streets = sheet.streets;
    const lastStation = [...sheet.rows].reverse().find((r) => r.服务社区)!.机构编号!;
    figures.orgs = await timed("orgs", await sheetOf("orgs", sheet.rows), versionOf("organizations", lastStation), anyPending("organizations"), pendingIn("organizations"));
    row(`import of ${rows} org units (HTTP answer)`, figures.orgs.importMs, figures.orgs.peakRssMb);
    row("orgs: the same file again", figures.orgs.sameFileAgain.ms);
  }

  if (kinds.includes("teams")) {
    const themes = ["卫生健康", "食品安全、防灾减灾", "人工智能", "绿色低碳、再生资源"];
    const records = Array.from({ length: rows }, (_, i) => {
      const street = streets[i % streets.length]!;
      const community = street.communityIds[Math.floor(i / streets.length) % street.communityIds.length]!;
      return { 队伍编号: `team-${String(i).padStart(6, "0")}`, 队伍名称: `${community}科技志愿服务队${i}`, 所属机构编号: street.streetId, 服务范围: community, 主题: themes[i % themes.length]! };
    });
    figures.teams = await timed("teams", await sheetOf("teams", records), versionOf("teams", records.at(-1)!.队伍编号), anyPending("teams"), pendingIn("teams"));
    row(`import of ${rows} teams (HTTP answer)`, figures.teams.importMs, figures.teams.peakRssMb);
    row("teams: the same file again", figures.teams.sameFileAgain.ms);
  }

  writeResult(
    "import",
    {
      ...volunteers,
      note: "importMs is the upload's answer: the gateway reading the xlsx, the registry checking every row and writing — volunteers' records in bulks and their team once per 500 joins; new orgs and teams in bulks of 500 documents (two in flight), each with its events in its own outbox. The relay to Kafka follows (allEventsRelayedMs, from the upload; null when it had not finished within relayWaitMs, with the documents still pending then). kinds: every kind's figures (orgs: a district's streets, communities, practice institutes and stations serving communities, 党群服务中心; teams: owned by those streets, each serving a community)",
      allKindsMeetTarget: Object.values(figures).every((f) => f.meetsTarget),
      // The figures move with what else the two cores and the store serve: where it ran, and how loaded.
      store: engines.urls.mongoUrl,
      loadAverageAtEnd: loadavg().map((l) => Math.round(l * 10) / 10),
      kinds: figures,
    },
    table,
  );
} finally {
  client.close();
  await gateway.stop();
  await registry.stop();
  await mongo.close();
  await engines.cleanup();
}
