import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import ExcelJS from "exceljs";
import { calendarIn } from "@kepu/calendar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderHolder } from "@kepu/contracts/dispatch/v1/events_pb";
import * as dispatch from "@kepu/contracts/dispatch/v1/events_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import { OrganizationRegisteredSchema, MenuItemPublishedSchema } from "@kepu/contracts/registry/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { Dimension, ExportFormat, Period, StatsService, type Figures } from "@kepu/contracts/stats/v1/service_pb";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
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
    [events.AttendeeCheckedInSchema, { activityId: "act-o1", bookingId: "bk-1", residentId: "r1" }, 48],
    [events.AttendeeCheckedInSchema, { activityId: "act-o1", bookingId: "bk-2", residentId: "r2" }, 48],
    [events.ServiceHoursRecordedSchema, { activityId: "act-o1", volunteerId: "v1", hours: 2.5 }, 49],
    [events.ActivityCompletedSchema, { activityId: "act-o1", orderId: "o1", participants: 12, uniqueParticipants: 12, serviceHours: 2.5, volunteers: 2 }, 50],
  ]),
  ...stream("act-n1", [[events.ActivityScheduledSchema, { activityId: "act-n1", theme: Theme.ARTIFICIAL_INTELLIGENCE, place: nanshan, sessions: [{ sessionId: "s1" }, { sessionId: "s2" }] }, 30]]),
];

// 罗湖区, 2027: one resident (r-a) at three activities; two held on 28 September Beijing, one at
// 00:30 (the 27th in UTC); the third at 00:30 on 1 January 2027 Beijing (2026 in UTC).
const luohu = place("sz-luohu", "sz-luohu-s1", "sz-luohu-s1-c1");
const halfPastMidnight = new Date("2027-09-28T00:30+08:00");
const tenOClock = new Date("2027-09-28T10:00+08:00");
const newYear = new Date("2027-01-01T00:30+08:00");
const heldAt = (activityId: string, startsAt: Date, checkIns: [string, string][], walkIns?: number) =>
  stream(activityId, [
    [events.ActivityScheduledSchema, { activityId, theme: Theme.HEALTH, place: luohu, sessions: [{ sessionId: `${activityId}-s1`, startsAt: timestampFromDate(startsAt) }] }, 0],
    ...checkIns.map(([bookingId, residentId]): [DescMessage, object, number] => [events.AttendeeCheckedInSchema, { activityId, sessionId: `${activityId}-s1`, bookingId, residentId }, 1]),
    ...(walkIns === undefined ? [] : [[events.ActivityCompletedSchema, { activityId, participants: checkIns.length + walkIns, uniqueParticipants: new Set(checkIns.map(([, r]) => r)).size + walkIns }, 2] as [DescMessage, object, number]]),
  ]);
const luohuRegistry = [
  ...stream("sz-luohu", [[OrganizationRegisteredSchema, { orgId: "sz-luohu", name: "罗湖区", kind: OrgKind.DISTRICT, place: { orgId: "sz-luohu", path: ["sz", "sz-luohu"], districtId: "sz-luohu" } }, 0]]),
  ...stream("sz-luohu-s1-c1", [[OrganizationRegisteredSchema, { orgId: "sz-luohu-s1-c1", kind: OrgKind.COMMUNITY, place: luohu }, 0]]),
];
const luohuActivities = [
  ...heldAt("act-l1", halfPastMidnight, [["bk-l1", "r-a"], ["bk-l2", "r-b"]], 1),
  ...heldAt("act-l2", tenOClock, [["bk-l3", "r-a"]], 0),
  ...heldAt("act-l3", newYear, [["bk-l4", "r-a"]]),
];
const inLuohu = (extra: { from?: Timestamp; to?: Timestamp } = {}) => ({ slice: { orgId: "sz-luohu", ...extra } });

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
  service = await ServiceProcess.start("stats", engines.serviceEnv({ KEPU_TIME_ZONE: "Asia/Shanghai" }));
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
    expect([live.sessions, live.participants, live.uniqueParticipants, live.serviceHours]).toEqual([3, 12, 12, 2.5]); // 2 check-ins + 10 walk-ins
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
    expect(sheet.getRow(2).getCell(1).value).toBe("福田区"); // the district's name, its code in the last column
    expect(sheet.getRow(2).getCell(8).value).toBe("sz-futian");
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
    expect(lines.slice(1)).toEqual(["福田区,1,1,12,12,2,2.5,1,2,1,1,0,0,0,0,2,1", "南山区,1,2,0,0,0,0,0,0,0,0,0,0,0,0,1,0", "合计 Total,2,3,12,12,2,2.5,1,2,1,1,0,0,0,0,3,1"]);
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

  it("counts a resident at three activities once, and puts 00:30 Beijing on its Beijing day, week, month and year", async () => {
    for (let i = 0; i < 2; i++) {
      // every event twice: a redelivered check-in is the same check-in
      await publisher.publish(engines.topic("registry"), luohuRegistry);
      await publisher.publish(engines.topic("events"), luohuActivities);
    }
    const f = await waitFor(async () => {
      const figures = (await client.getFigures(inLuohu(), asAdmin)).figures!;
      return figures.activities === 3 && figures.participants === 5 && figures.communities === 1 && figures;
    }, { what: "the 罗湖 activities projected" });
    // visits: 2 check-ins + 1 walk-in, 1, 1; people: r-a, r-b and the walk-in (not 3 + 1 + 1)
    expect([f.participants, f.uniqueParticipants]).toEqual([5, 3]);

    const period = async (p: Period) => (await client.getBreakdown({ dimension: Dimension.PERIOD, period: p, ...inLuohu() }, asAdmin)).rows.map((r) => [r.key, r.activities, r.participants, r.uniqueParticipants]);
    expect(await period(Period.DAY)).toEqual([["2027-01-01", 1, 1, 1], ["2027-09-28", 2, 4, 3]]);
    expect(await period(Period.WEEK)).toEqual([["2026-W53", 1, 1, 1], ["2027-W39", 2, 4, 3]]);
    expect(await period(Period.MONTH)).toEqual([["2027-01", 1, 1, 1], ["2027-09", 2, 4, 3]]);
    expect(await period(Period.YEAR)).toEqual([["2027", 3, 5, 3]]);

    const beijingDay = calendarIn("Asia/Shanghai").window({ year: 2027, month: 9, day: 28 }, { year: 2027, month: 9, day: 28 });
    const onThe28th = (await client.getFigures(inLuohu({ from: timestampFromDate(beijingDay.from), to: timestampFromDate(beijingDay.to) }), asAdmin)).figures!;
    expect([onThe28th.activities, onThe28th.participants, onThe28th.uniqueParticipants]).toEqual([2, 4, 3]);

    const annual = async (year: number) => Buffer.from((await client.exportAnnualReturn({ year, orgId: "sz-luohu", format: ExportFormat.CSV }, asAdmin)).content).toString("utf8").slice(1).trim().split("\r\n").slice(1);
    expect(await annual(2027)).toEqual(["罗湖区,3,3,5,3,0,0,0,0,0,0,0,0,0,0,0,0", "合计 Total,3,3,5,3,0,0,0,0,0,0,0,0,0,0,0,0"]);
    expect(await annual(2026)).toEqual(["罗湖区,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "合计 Total,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"]);
  });

  it("rebuilds from offset 0 to exactly the live figures, showing progress; skips what it does not know", async () => {
    const unknown = newEvent(dispatch.OrderSubmittedSchema, { orderId: "u1" }, { source: "future", aggregateId: "u1", aggregateVersion: 1, correlationId: "u" });
    unknown.type = "kepu.dispatch.v1.OrderTeleported";
    await publisher.publish(engines.topic("dispatch"), [unknown]);
    const before = await waitFor(async () => (await client.getProjectionStatus({}, asAdmin)).eventsSkipped > 0n && (await get()), { what: "the unknown event skipped" });
    // the honest counts and the Beijing periods, beside the figures of every slice
    const detail = async () => ({
      luohu: essentials((await client.getFigures(inLuohu(), asAdmin)).figures!),
      days: (await client.getBreakdown({ dimension: Dimension.PERIOD, period: Period.DAY, ...inLuohu() }, asAdmin)).rows.map((r) => ({ ...r, $typeName: undefined })),
      communities: (await client.getBreakdown({ dimension: Dimension.COMMUNITY, slice: {} }, asAdmin)).rows.map((r) => ({ ...r, $typeName: undefined })),
      annual: Buffer.from((await client.exportAnnualReturn({ year: 2027, format: ExportFormat.CSV }, asAdmin)).content).toString("utf8"),
      // issue 19's figures: named rows by audience and format, a slice by theme and Beijing month, demand against supply
      districts: (await client.getBreakdown({ dimension: Dimension.DISTRICT, slice: {} }, asAdmin)).rows.map((r) => [r.key, r.name, r.orders, r.activities]),
      audiences: (await client.getBreakdown({ dimension: Dimension.AUDIENCE, slice: {} }, asAdmin)).rows.map((r) => [r.key, r.name, r.orders, r.activities]),
      formats: (await client.getBreakdown({ dimension: Dimension.FORMAT, slice: {} }, asAdmin)).rows.map((r) => [r.key, r.name, r.orders, r.activities]),
      digitalInSeptember: essentials((await client.getFigures({ slice: { theme: Theme.DIGITAL_LITERACY, period: Period.MONTH, date: "2026-09-01" } }, asAdmin)).figures!),
      futianSupply: (await client.getFigures({ slice: { orgId: "sz-futian" } }, asAdmin)).figures!.supplyByTheme,
      demandSupply: (({ computedAt: _, $typeName: __, ...rest }) => JSON.parse(JSON.stringify(rest)))(await client.getDemandSupply({ slice: {} }, asAdmin)),
    });
    const detailBefore = await detail();
    expect(detailBefore.luohu.uniqueParticipants).toBe(3);
    expect(detailBefore.districts.slice(0, 2)).toEqual([["sz-futian", "福田区", 2, 1], ["sz-luohu", "罗湖区", 0, 3]]);
    expect(detailBefore.digitalInSeptember.orders).toBe(1);
    expect(detailBefore.demandSupply.communities.length).toBeGreaterThan(0);
    const progress = [];
    for await (const step of client.rebuild({}, asAdmin)) progress.push(step);
    expect(progress.at(-1)).toMatchObject({ done: true });
    expect(progress.at(-1)!.eventsApplied).toBeGreaterThanOrEqual(progress.at(-1)!.eventsTotal);
    expect(essentials(await get())).toEqual(essentials(before));
    expect(await detail()).toEqual(detailBefore);
    expect((await client.getProjectionStatus({}, asAdmin)).generation).toBe(2);
  });
});
