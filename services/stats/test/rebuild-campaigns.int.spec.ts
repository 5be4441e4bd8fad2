// Issue 19's "a stats replay from offset 0 yields identical figures, the new ones included": on the
// real engines, the projector reads a campaign's events (报备 at two levels, check-ins, completions,
// a summary on time and one late, a cancelled activity) and residents' ratings; the campaign's
// roll-up and the ratings are read from the live facts, then a rebuild forgets every fact and
// replays the topics from offset 0 with a new consumer group — and both read back identical.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher, newEvent, type EventEnvelope } from "@kepu/bus";
import { Format, OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as events from "@kepu/contracts/events/v1/events_pb";
import * as registry from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { TestEngines, uniquePrefix, waitFor } from "@kepu/testkit";
import { ratingsOf } from "../src/domain/figures.js";
import { campaignRollupService } from "../src/grpc/campaign-rollup-service.js";
import { Projector } from "../src/messaging/projector.js";
import { Rebuild } from "../src/messaging/rebuild.js";
import { FactStore } from "../src/store/fact-store.js";

const engines = new TestEngines(uniquePrefix("rebuild-campaigns"));
const logger = createLogger({ service: "rebuild-campaigns-int", level: "silent" });
const mongo = new MongoClient(engines.urls.mongoUrl);
const store = new FactStore(mongo.db(engines.database("stats")));
const topics = ["registry", "events"].map((c) => engines.topic(c));
const projector = new Projector(engines.kafka, store, topics, (generation) => `${engines.prefix}projector-g${generation}`, logger);
const publisher = new EventPublisher(engines.kafka);
const asAdmin = { actor: { id: "admin", role: Role.ADMIN } } as never;
const noFiles = async () => ({ filename: "", contentType: "", content: Buffer.alloc(0) });
const rollups = campaignRollupService(store, noFiles);

const t = (hours: number) => new Date(Date.UTC(2027, 8, 5, 2) + hours * 3_600_000); // 10:00 Beijing on 5 September 2027, + hours
const place = (community: string) => create(OrgPlaceSchema, { orgId: community, path: ["sz", "sz-luohu", "sz-luohu-s1", community], districtId: "sz-luohu", streetId: "sz-luohu-s1", communityId: community });
/** One aggregate's events with versions 1..n, as its service would publish them. */
function stream(aggregateId: string, steps: [DescMessage, object, number][]): EventEnvelope[] {
  return steps.map(([schema, payload, hours], i) => newEvent(schema, payload as MessageInitShape<DescMessage>, { source: "script", aggregateId, aggregateVersion: i + 1, occurredAt: t(hours), correlationId: aggregateId }));
}
const session = (id: string, hours: number) => ({ sessionId: `${id}-s1`, startsAt: timestampFromDate(t(0)), endsAt: timestampFromDate(t(hours)), capacity: 30 });
const scheduled = (id: string, title: string, theme: Theme, format: Format, community: string, hours: number): [DescMessage, object, number] => [
  events.ActivityScheduledSchema, { activityId: id, title, theme, format, organizerOrgId: community, place: place(community), campaignId: "cm-1", sessions: [session(id, hours)] }, -100,
];
const registered = (id: string, level: events.CampaignLevel): [DescMessage, object, number] => [events.ActivityRegisteredToCampaignSchema, { activityId: id, campaignId: "cm-1", level }, -90];
const checkIn = (id: string, booking: string, residentId: string): [DescMessage, object, number] => [events.AttendeeCheckedInSchema, { activityId: id, sessionId: `${id}-s1`, bookingId: booking, residentId }, 0.5];
const summary = (id: string, late: boolean, hours: number): [DescMessage, object, number] => [events.SummaryFiledSchema, { activityId: id, campaignId: "cm-1", late, filedAt: timestampFromDate(t(hours)), textLength: 200 }, hours];
const rated = (id: string, score: number): [DescMessage, object, number] => [events.ActivityRatedSchema, { activityId: id, raterId: `rater-${score}`, score }, 30];

const orgs = [["sz-luohu-s1-c1", "黄贝社区"], ["sz-luohu-s1-c2", "翠竹社区"]].flatMap(([orgId, name]) =>
  stream(orgId!, [[registry.OrganizationRegisteredSchema, { orgId, name, kind: OrgKind.COMMUNITY, place: place(orgId!) }, -200]]),
);
const activities = [
  // 主场: two residents checked in, three walk-ins; summary on time; rated 5 and 4.
  stream("a1", [scheduled("a1", "健康讲座", Theme.HEALTH, Format.EXPERT_TALK, "sz-luohu-s1-c1", 2), registered("a1", events.CampaignLevel.MAIN), checkIn("a1", "b1", "r1"), checkIn("a1", "b2", "r2"),
    [events.ActivityCompletedSchema, { activityId: "a1", participants: 5, serviceHours: 6, volunteers: 3 }, 3], summary("a1", false, 48), rated("a1", 5), rated("a1", 4)]),
  // 分会场: r1 again (one person in the total); its summary late, for good; rated 3.
  stream("a2", [scheduled("a2", "数字生活课", Theme.DIGITAL_LITERACY, Format.HANDS_ON, "sz-luohu-s1-c2", 1.5), registered("a2", events.CampaignLevel.BRANCH), checkIn("a2", "b3", "r1"),
    [events.ActivityCompletedSchema, { activityId: "a2", participants: 1, serviceHours: 2, volunteers: 1 }, 3], summary("a2", true, 24 * 30), rated("a2", 3)]),
  // 联合行动, cancelled: left out of the roll-up.
  stream("a3", [scheduled("a3", "取消的活动", Theme.HEALTH, Format.EXPERT_TALK, "sz-luohu-s1-c1", 2), registered("a3", events.CampaignLevel.JOINT), [events.ActivityCancelledSchema, { activityId: "a3", reason: "台风" }, -1]]),
].flat();

/** The new figures as the stats service reads them: the roll-up (late filers by name) and the ratings. */
async function figures() {
  const { rollup } = await rollups.getCampaignRollup({ campaignId: "cm-1" } as never, asAdmin);
  const facts = await store.load({ orgId: "sz-luohu", theme: 0, audience: 0, format: 0, campaignId: "" } as never);
  return JSON.parse(JSON.stringify({ rollup, ratings: ratingsOf(facts.activities) }, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
}

beforeAll(async () => {
  await engines.createTopics(topics);
  await store.createIndexes();
  await publisher.publish(topics[0]!, orgs);
  await publisher.publish(topics[1]!, activities);
  await projector.start();
}, 120_000);
afterAll(async () => {
  await projector.stop();
  await publisher.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("a rebuild from offset 0", () => {
  it("yields the campaign roll-up and the ratings identical to the live projection", async () => {
    const live = await waitFor(async () => {
      const f = await figures();
      // The orgs topic may be read after the activities one: wait for the late filer's name too.
      return f.rollup.activities === 2 && f.rollup.lateFilers?.[0]?.organizerName === "翠竹社区" && f.rollup.uniqueParticipants === 5 && f.ratings.ratings === 3 && f.rollup.summariesOnTime === 1 && f;
    }, { what: "the live projection of the campaign's events", timeoutMs: 60_000 });
    // Exact, so that an empty replay cannot pass: 2 activities (the cancelled one out), 6 visits, 5 people, 3.5 hours.
    expect(live.rollup).toMatchObject({ campaignId: "cm-1", activities: 2, participants: 6, uniqueParticipants: 5, hours: 3.5, serviceHours: 8, summariesOnTime: 1, summariesLate: 1, summariesMissing: 0, onTimeRate: 0.5 });
    expect(live.rollup.byLevel.map((g: { key: string; activities: number }) => [g.key, g.activities])).toEqual([["MAIN", 1], ["BRANCH", 1]]);
    expect(live.rollup.lateFilers).toMatchObject([{ activityId: "a2", organizerName: "翠竹社区" }]);
    expect(live.ratings).toEqual({ ratings: 3, averageRating: 4 });

    const progress: [number, number][] = [];
    await new Rebuild(engines.kafka, store, projector, topics).rebuild((done, total) => progress.push([done, total]), new AbortController().signal);
    expect(projector.groupId).toBe(`${engines.prefix}projector-g2`);
    expect(progress.at(-1)).toEqual([orgs.length + activities.length, orgs.length + activities.length]);
    expect(await figures()).toEqual(live);
  }, 120_000);
});
