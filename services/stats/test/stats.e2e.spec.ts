import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder } from "@kepu/contracts/dispatch/v1/events_pb";
import * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import { OrganizationRegisteredSchema, MenuItemPublishedSchema } from "@kepu/contracts/registry/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { Dimension, ExportFormat, StatsService, type Figures } from "@kepu/contracts/stats/v1/service_pb";
import { createLogger } from "@kepu/log";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix, waitFor } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("stats"));
const logger = createLogger({ service: "stats-e2e", level: "silent" });
const publisher = new EventPublisher(createKafka({ brokers: engines.urls.kafkaBrokers, clientId: "stats-e2e", logger }));
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof StatsService>>;

const place = (district: string, street: string, community: string) =>
  create(OrgPlaceSchema, { orgId: community, path: ["sz", district, street, community], districtId: district, streetId: street, communityId: community });
const futian = place("sz-futian", "sz-futian-s1", "sz-futian-s1-c1");
const nanshan = place("sz-nanshan", "sz-nanshan-s1", "sz-nanshan-s1-c1");
const t = (hours: number) => new Date(Date.UTC(2026, 8, 1) + hours * 3_600_000);

/** One aggregate's events with versions 1..n, as its service would publish them. */
function stream(aggregateId: string, steps: [DescMessage, object, number][]): EventEnvelope[] {
  return steps.map(([schema, payload, hours], i) => newEvent(schema, payload as MessageInitShape<DescMessage>, { source: "script", aggregateId, aggregateVersion: i + 1, occurredAt: t(hours), correlationId: aggregateId }));
}

const orgEvents = [
  ["sz-futian-s1-c1", futian],
  ["sz-futian-s1-c2", place("sz-futian", "sz-futian-s1", "sz-futian-s1-c2")],
  ["sz-nanshan-s1-c1", nanshan],
].flatMap(([id, p]) => stream(id as string, [[OrganizationRegisteredSchema, { orgId: id, kind: OrgKind.COMMUNITY, place: p }, 0]]));
const districtEvents = [
  ["sz-futian", "福田区"],
  ["sz-nanshan", "南山区"],
].flatMap(([id, name]) => stream(id!, [[OrganizationRegisteredSchema, { orgId: id, name, kind: OrgKind.DISTRICT, place: { orgId: id, path: ["sz", id!], districtId: id } }, 0]]));
const teamAndBaseEvents = [
  ...stream("team-1", [
    [registry.TeamRegisteredSchema, { teamId: "team-1", name: "福田区科技志愿服务队", place: futian }, 0],
    [registry.VolunteerJoinedTeamSchema, { teamId: "team-1", volunteerId: "v1" }, 1],
    [registry.VolunteerJoinedTeamSchema, { teamId: "team-1", volunteerId: "v2" }, 1],
    [registry.VolunteerJoinedTeamSchema, { teamId: "team-1", volunteerId: "v3" }, 1],
    [registry.VolunteerLeftTeamSchema, { teamId: "team-1", volunteerId: "v3" }, 2],
  ]),
  ...stream("base-1", [[registry.BaseCertifiedSchema, { baseId: "base-1", place: futian, level: 1, status: 1 }, 0]]),
  ...stream("base-2", [
    [registry.BaseCertifiedSchema, { baseId: "base-2", place: nanshan, level: 3, status: 1 }, 0],
    [registry.BaseStatusChangedSchema, { baseId: "base-2", status: 4, reason: "考核不合格" }, 5],
  ]),
];
const menuEvents = stream("menu-1", [[MenuItemPublishedSchema, { item: { itemId: "menu-1", theme: Theme.DIGITAL_LITERACY } }, 0]]);
const orderEvents = [
  ...stream("o1", [
    [dispatch.OrderSubmittedSchema, { orderId: "o1", request: { theme: Theme.DIGITAL_LITERACY, community: futian } }, 0],
    [dispatch.OrderDispatchedSchema, { orderId: "o1", teamIds: ["a"] }, 2],
    [dispatch.OrderDeclinedSchema, { orderId: "o1", teamId: "a", reason: "忙", returnedTo: OrderHolder.COMMUNITY }, 3],
    [dispatch.OrderDispatchedSchema, { orderId: "o1", teamIds: ["b"] }, 4],
    [dispatch.OrderAcceptedSchema, { orderId: "o1", teamId: "b" }, 6],
    [dispatch.OrderDeliveredSchema, { orderId: "o1", activityId: "act-o1" }, 50],
  ]),
  ...stream("o2", [[dispatch.OrderSubmittedSchema, { orderId: "o2", request: { theme: Theme.HEALTH, community: futian } }, 1], [dispatch.OrderCancelledSchema, { orderId: "o2", reason: "x" }, 2]]),
  ...stream("o3", [[dispatch.OrderSubmittedSchema, { orderId: "o3", request: { theme: Theme.ARTIFICIAL_INTELLIGENCE, community: nanshan } }, 0], [dispatch.OrderEscalatedSchema, { orderId: "o3" }, 24]]),
];
const activityEvents = [
  ...stream("act-o1", [
    [events.ActivityScheduledSchema, { activityId: "act-o1", orderId: "o1", theme: Theme.DIGITAL_LITERACY, place: futian, campaignId: "kepu-month-2026", sessions: [{ sessionId: "s1" }] }, 7],
    [events.AttendeeCheckedInSchema, { activityId: "act-o1", residentId: "r1" }, 48],
    [events.AttendeeCheckedInSchema, { activityId: "act-o1", residentId: "r2" }, 48],
    [events.ServiceHoursRecordedSchema, { activityId: "act-o1", volunteerId: "v1", hours: 2.5 }, 49],
    [events.ActivityCompletedSchema, { activityId: "act-o1", orderId: "o1", participants: 12, uniqueParticipants: 10, serviceHours: 2.5, volunteers: 2 }, 50],
  ]),
  ...stream("act-n1", [[events.ActivityScheduledSchema, { activityId: "act-n1", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: nanshan, sessions: [{ sessionId: "s1" }, { sessionId: "s2" }] }, 30]]),
];

async function publishAll(times: number) {
  for (let i = 0; i < times; i++) {
    await publisher.publish(engines.topic("registry"), [...orgEvents, ...districtEvents, ...teamAndBaseEvents, ...menuEvents]);
    await publisher.publish(engines.topic("dispatch"), orderEvents);
    await publisher.publish(engines.topic("events"), activityEvents);
  }
}

const asAdmin = { actor: { id: "admin", role: Role.ADMIN } };
const get = async (orgId = "") => (await client.getFigures({ slice: { orgId } }, asAdmin)).figures!;
const essentials = (f: Figures) => ({ ...f, computedAt: undefined, $typeName: undefined });

beforeAll(async () => {
  await engines.createTopics(["registry", "dispatch", "events"].map((c) => engines.topic(c)));
  await publishAll(2); // every event twice
  service = await ServiceProcess.start("stats", engines.serviceEnv());
  client = createRpcClient(StatsService, service.grpcAddress, { signer: testSigner() });
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await publisher.disconnect();
  await engines.cleanup();
});

describe("statistics from every event", () => {
  let live: Figures;

  it("gives exactly the scripted figures for every slice, though every event came twice", async () => {
    live = await waitFor(async () => {
      const f = await get();
      const settled = f.ordersByStatus.POOLED === 1 && f.ordersByStatus.DELIVERED === 1 && f.ordersByStatus.CANCELLED === 1 && f.serviceHours === 2.5;
      return settled && f.orders === 3 && f.activities === 2 && f.participants === 12 && f.communities === 3 && f.communitiesWithActivity === 2 && Object.keys(f.supplyByTheme).length === 1 && f;
    }, { what: "the projection of the scripted events" });
    expect(live.ordersByStatus).toEqual({ DELIVERED: 1, CANCELLED: 1, POOLED: 1 });
    expect(live.timeToDispatch).toMatchObject({ medianHours: 2, count: 1 });
    expect(live.timeToAccept).toMatchObject({ medianHours: 6, count: 1 });
    expect(live.timeToDeliver).toMatchObject({ medianHours: 50, count: 1 });
    expect([live.declineRate, live.timeoutRate, live.completionRate]).toEqual([1, 0.3333, 0.5]);
    expect([live.sessions, live.participants, live.uniqueParticipants, live.serviceHours]).toEqual([3, 12, 10, 2.5]);
    expect([live.communities, live.coverage]).toEqual([3, 0.6667]);
    expect(live.supplyByTheme).toEqual({ "智慧生活/数字素养": 1 });
    expect(live.unmetByCommunity).toEqual({ "sz-nanshan-s1-c1": 1 });

    const futianOnly = await get("sz-futian");
    expect([futianOnly.orders, futianOnly.activities, futianOnly.communities, futianOnly.participants]).toEqual([2, 1, 2, 12]);
    const byDistrict = await client.getBreakdown({ dimension: Dimension.DISTRICT, slice: {} }, asAdmin);
    expect(byDistrict.rows.map((r) => [r.key, r.orders, r.delivered, r.activities, r.participants])).toEqual([
      ["sz-futian", 2, 1, 1, 12],
      ["sz-nanshan", 1, 0, 1, 0],
    ]);
    const byCampaign = await client.getBreakdown({ dimension: Dimension.CAMPAIGN, slice: {} }, asAdmin);
    expect(byCampaign.rows.map((r) => [r.key, r.activities])).toEqual([["kepu-month-2026", 1]]);
  });

  it("exports the breakdown as an xlsx with Chinese headers and a csv with a BOM", async () => {
    const xlsx = await client.exportFigures({ format: ExportFormat.XLSX, dimension: Dimension.DISTRICT, slice: {} }, asAdmin);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.content) as never);
    const sheet = workbook.getWorksheet("科普统计")!;
    expect(sheet.getRow(1).getCell(5).value).toBe("参与人次 Visits");
    expect(sheet.getRow(2).getCell(1).value).toBe("sz-futian");
    const csv = await client.exportFigures({ format: ExportFormat.CSV, dimension: Dimension.DISTRICT, slice: {} }, asAdmin);
    expect([...csv.content.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(csv.content).toString("utf8")).toContain("点单数 Orders");
  });

  it("exports the 2026 annual return per district (科普统计年报), with teams, volunteers and bases in good standing", async () => {
    await waitFor(async () => (await client.getProjectionStatus({}, asAdmin)).eventsApplied >= 2n * BigInt(teamAndBaseEvents.length), { what: "the registry events projected" });
    const csv = await client.exportAnnualReturn({ year: 2026, format: ExportFormat.CSV }, asAdmin);
    expect(csv.filename).toBe("kepu-annual-return-all-2026.csv");
    const lines = Buffer.from(csv.content).toString("utf8").slice(1).trim().split("\r\n");
    // district, activities, sessions, visits, people, volunteer turns, hours, teams, volunteers, bases, national, provincial, city, district, sites, orders, delivered
    expect(lines.slice(1)).toEqual(["福田区,1,1,12,10,2,2.5,1,2,1,1,0,0,0,0,2,1", "南山区,1,2,0,0,0,0,0,0,0,0,0,0,0,0,1,0", "合计 Total,2,3,12,10,2,2.5,1,2,1,1,0,0,0,0,3,1"]);
    const futianOnly = await client.exportAnnualReturn({ year: 2026, format: ExportFormat.XLSX, orgId: "sz-futian" }, asAdmin);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(futianOnly.content) as never);
    const sheet = workbook.getWorksheet("2026年科普统计")!;
    expect([sheet.getRow(2).getCell(1).value, sheet.getRow(3).getCell(1).value]).toEqual(["福田区", "合计 Total"]);
    await expect(client.exportAnnualReturn({ year: 0, format: ExportFormat.CSV }, asAdmin)).rejects.toThrow(/BAD_YEAR/);
  });

  it("pushes changed figures on the live feed after an event", async () => {
    const abort = new AbortController();
    const feed = client.watchFigures({ slice: {} }, { ...asAdmin, signal: abort.signal })[Symbol.asyncIterator]();
    expect((await feed.next()).value.figures.orders).toBe(3);
    await publisher.publish(engines.topic("dispatch"), stream("o9", [[dispatch.OrderSubmittedSchema, { orderId: "o9", request: { theme: Theme.WATER, community: nanshan } }, 5]]));
    expect((await feed.next()).value.figures.orders).toBe(4);
    abort.abort();
  });

  it("rebuilds from offset 0 to exactly the live figures, showing progress; skips what it does not know", async () => {
    const unknown = newEvent(dispatch.OrderSubmittedSchema, { orderId: "u1" }, { source: "future", aggregateId: "u1", aggregateVersion: 1, correlationId: "u" });
    unknown.type = "kepu.dispatch.v1.OrderTeleported";
    await publisher.publish(engines.topic("dispatch"), [unknown]);
    const before = await waitFor(async () => (await client.getProjectionStatus({}, asAdmin)).eventsSkipped > 0n && (await get()), { what: "the unknown event skipped" });
    const progress = [];
    for await (const step of client.rebuild({}, asAdmin)) progress.push(step);
    expect(progress.at(-1)).toMatchObject({ done: true });
    expect(progress.at(-1)!.eventsApplied).toBeGreaterThanOrEqual(progress.at(-1)!.eventsTotal);
    expect(essentials(await get())).toEqual(essentials(before));
    expect((await client.getProjectionStatus({}, asAdmin)).generation).toBe(2);
  });
});
