// bench/import: a BENCH_IMPORT_ROWS-row (default 10,000) volunteer sheet uploaded to the gateway's
// POST /api/v1/imports/volunteers by a district association, all rows joining one team. Records
// the time until the answer (the gateway reading the xlsx, the registry checking every row and
// writing), the peak RSS of the registry and the gateway, and the same file uploaded again (it must
// change nothing). Baseline in the same run: the raw MongoDB driver doing the same writes the
// import does at its floor — the personal records as one unordered insertMany, then one team
// document with every member id and an outbox entry each. Target: ≤ 30 s (issue 15). Writes
// bench/results/import.json.
import ExcelJS from "exceljs";
import { MongoClient } from "mongodb";
import { OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";
import { writeResult } from "../lib/report.js";
import { sampleRss } from "../lib/rss.js";

const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const targetMs = 30_000;
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
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

  // The sheet, from the downloaded template: every row a new volunteer of team-bench.
  const template = new ExcelJS.Workbook();
  await template.xlsx.load(await (await fetch(`${gateway.httpUrl}/api/v1/imports/volunteers/template`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
  const headers = (template.getWorksheet("导入")!.getRow(1).values as string[]).slice(1);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("导入");
  sheet.addRow(headers);
  for (let i = 0; i < rows; i++) {
    const values: Record<string, string> = { 队伍编号: "team-bench", 志愿者编号: `vol-${String(i).padStart(6, "0")}`, 姓名: `志愿者${i}`, 手机号: `138${String(i).padStart(8, "0")}`, 技能: "HEALTH", 出生日期: "1990-01-01" };
    sheet.addRow(headers.map((h) => values[h] ?? ""));
  }
  const file = Buffer.from(await book.xlsx.writeBuffer());
  console.log(`sheet of ${rows} rows: ${Math.round(file.length / 1024)} KiB`);

  const rssRegistry = sampleRss(registry.pid!, 200);
  const rssGateway = sampleRss(gateway.pid!, 200);
  const started = Date.now();
  const first = await http("POST", "/api/v1/imports/volunteers", token, file);
  const importMs = Date.now() - started;
  const peakRssMb = { registry: Math.max(0, ...rssRegistry.stop()), gateway: Math.max(0, ...rssGateway.stop()) };
  if (first.status !== 200 || first.body.imported !== true) throw new Error(`import failed: ${first.status} ${JSON.stringify(first.body).slice(0, 500)}`);
  console.log(`imported ${rows} rows in ${importMs} ms`);
  const members = (await http("GET", "/api/v1/teams/team-bench/members?pageSize=1", token)).body.total as number;

  const db = mongo.db(engines.database("registry"));
  const versionBefore = (await db.collection("teams").findOne({ _id: "team-bench" as never }))?.version as number;
  const againStarted = Date.now();
  const again = await http("POST", "/api/v1/imports/volunteers", token, file);
  const againMs = Date.now() - againStarted;
  const versionAfter = (await db.collection("teams").findOne({ _id: "team-bench" as never }))?.version as number;
  // Every join reaches Kafka through the outbox (not part of the answer's time).
  await waitFor(async () => ((await db.collection("teams").findOne({ _id: "team-bench" as never }))?.outboxCount ?? 1) === 0, { timeoutMs: 300_000, intervalMs: 500, what: "the outbox relayed" });
  const relayedMs = Date.now() - started;

  // Baseline: the same writes with the raw driver, in one go each.
  const scratch = mongo.db(`${engines.prefix}baseline`);
  const baselineStarted = Date.now();
  await scratch.collection<{ _id: string }>("volunteers").insertMany(
    Array.from({ length: rows }, (_, i) => ({ _id: `vol-${i}`, teamId: "team-bench", realName: `志愿者${i}`, phone: `138${String(i).padStart(8, "0")}`, skills: [Theme.HEALTH], minor: false, status: "active" })),
    { ordered: false },
  );
  const ids = Array.from({ length: rows }, (_, i) => `vol-${i}`);
  await scratch.collection<{ _id: string; memberIds: string[]; outbox: object[]; outboxCount: number }>("teams").insertOne({ _id: "team-bench", memberIds: ids, outbox: ids.map((id) => ({ id, topic: "t", key: "team-bench", value: Buffer.alloc(120) })), outboxCount: rows });
  const baselineMs = Date.now() - baselineStarted;

  writeResult(
    "import",
    {
      rows,
      fileKiB: Math.round(file.length / 1024),
      importMs,
      rowsPerSecond: Math.round((rows / importMs) * 1000),
      targetMs,
      meetsTarget: importMs <= targetMs,
      membersAfter: members,
      peakRssMb,
      sameFileAgain: { ms: againMs, repeated: again.body.repeated === true, teamVersionUnchanged: versionBefore === versionAfter },
      allEventsRelayedMs: relayedMs,
      baseline: { what: "raw MongoDB driver: insertMany of the personal records + one team document with every member id and an outbox entry each", ms: baselineMs },
      ratioToBaseline: Math.round((baselineMs / importMs) * 100) / 100,
      note: "importMs is the upload's answer: the gateway reading the xlsx, the registry checking every row and writing the records in bulks and the team once per 500 joins; the relay to Kafka follows (allEventsRelayedMs, from the upload)",
    },
    [
      { what: `import of ${rows} volunteers (HTTP answer)`, ms: importMs, peakRssRegistryMb: peakRssMb.registry, peakRssGatewayMb: peakRssMb.gateway },
      { what: "the same file again", ms: againMs, peakRssRegistryMb: 0, peakRssGatewayMb: 0 },
      { what: "baseline: raw driver, same writes", ms: baselineMs, peakRssRegistryMb: 0, peakRssGatewayMb: 0 },
    ],
  );
} finally {
  client.close();
  await gateway.stop();
  await registry.stop();
  await mongo.close();
  await engines.cleanup();
}
