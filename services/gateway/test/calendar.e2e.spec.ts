// Issue 16's first done-when through HTTP only, every service a process: a base submits a venue,
// the district approves it, a team publishes a menu item using it, a resident orders it, the worker
// dispatches, the team accepts → the activity has the item's duration and capacity and the venue is
// reserved on its calendar; a second overlapping order using the venue is flagged to the worker
// before 派单 and refused at scheduling (no activity; the order stays 已接单; OrderSchedulingConflicted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { waitFor } from "@kepu/testkit";
import { community, Platform, expectStatus } from "./platform.js";

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => platform.call(method, path, tokens[who], body, headers);

// 10:00 Beijing (02:00 UTC), 12 days from now; the second order half an hour later.
const first = new Date(Date.now() + 12 * 86_400_000);
first.setUTCHours(2, 0, 0, 0);
const second = new Date(first.getTime() + 30 * 60_000);
const month = new Date(first.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

let venueId = "";
let itemId = "";
let firstOrder = "";
let secondOrder = "";

beforeAll(async () => {
  platform = await Platform.start("calendar");
  for (const account of ["base", "district", "leader", "worker"]) tokens[account] = await platform.signIn(account);
  tokens.resident = await platform.resident("13700001717");
}, 180_000);
afterAll(() => platform?.stop());

const order = async (preferredDate: Date, title: string) =>
  waitFor(
    async () => {
      const answer = await call("resident", "POST", "/api/v1/orders", { menuItemId: itemId, title, theme: "THEME_HEALTH", expectedParticipants: 40, communityId: community, preferredDate: preferredDate.toISOString() });
      return answer.status === 200 ? (answer.body.order.orderId as string) : undefined;
    },
    { what: "dispatch to know the item and take the order", timeoutMs: 30_000 },
  );
const conflictOf = async (orderId: string) => expectStatus(await call("worker", "GET", `/api/v1/orders/${orderId}/resource-conflict`), 200);
const dispatchAndAccept = async (orderId: string) => {
  expectStatus(await call("worker", "POST", `/api/v1/orders/${orderId}/dispatch`, { teamIds: ["team-futian"] }), 200);
  expect(expectStatus(await call("leader", "POST", `/api/v1/orders/${orderId}/accept`, {}), 200).order.status).toBe("ORDER_STATUS_ACCEPTED");
};

describe("an order's activity from its menu item, with the venue's calendar", () => {
  it("an approved venue, a menu item using it for 90 minutes and 60 people", async () => {
    const venue = { ownerOrgId: "sz-futian", kind: "RESOURCE_KIND_VENUE", name: "福田天文台报告厅", capacity: 60, themes: ["THEME_HEALTH"], areaOrgIds: ["sz-futian"], weekdays: [1, 2, 3, 4, 5, 6, 7], openToOthers: true };
    venueId = expectStatus(await call("base", "POST", "/api/v1/resources", venue), 200).resource.resourceId;
    expectStatus(await call("district", "POST", `/api/v1/resources/${venueId}/review`, { decision: "APPROVE" }), 200);
    const item = { title: "星空观测夜", theme: "THEME_HEALTH", format: "FORMAT_EXPERT_TALK", durationMinutes: 90, capacity: 60, leadTimeDays: 3, serviceAreaOrgId: "sz-futian-yuanling", providerKind: "TEAM", providerId: "team-futian", resourceIds: [venueId] };
    itemId = expectStatus(await call("leader", "POST", "/api/v1/menu-items", item), 200).item.itemId;
  });

  it("ordered, dispatched and accepted: the activity runs 90 minutes for 60 seats and holds the venue", async () => {
    firstOrder = await order(first, "星空观测夜（第一场）");
    expect(await conflictOf(firstOrder)).toMatchObject({ conflict: false });
    await dispatchAndAccept(firstOrder);
    const activity = await waitFor(async () => (await call("worker", "GET", `/api/v1/activities/act-${firstOrder}`)).body.activity, { what: "the activity", timeoutMs: 30_000 });
    const session = activity.sessions[0].session;
    expect(Date.parse(session.endsAt) - Date.parse(session.startsAt)).toBe(90 * 60_000);
    expect(Date.parse(session.startsAt)).toBe(first.getTime());
    expect(session).toMatchObject({ capacity: 60, resourceId: venueId });
    const held = expectStatus(await call("worker", "GET", `/api/v1/resources/${venueId}/calendar?month=${month}`), 200).reservations;
    expect(held).toEqual([expect.objectContaining({ sessionId: session.sessionId, activityId: activity.activityId, title: "星空观测夜（第一场）", startsAt: first.toISOString().replace(".000Z", "Z"), endsAt: new Date(first.getTime() + 90 * 60_000).toISOString().replace(".000Z", "Z") })]);
    // A resident does not read calendars; a month must be a month.
    expectStatus(await call("resident", "GET", `/api/v1/resources/${venueId}/calendar?month=${month}`), 403, "STAFF_ONLY");
    expectStatus(await call("worker", "GET", `/api/v1/resources/${venueId}/calendar?month=2027-13`), 400);
  });

  it("a second order overlapping it is flagged before 派单 and refused at scheduling", async () => {
    secondOrder = await order(second, "星空观测夜（第二场）");
    const flag = await waitFor(async () => {
      const answer = await conflictOf(secondOrder);
      return answer.conflict ? answer : undefined;
    }, { what: "events to know the item's venue" });
    expect(flag).toMatchObject({ conflict: true, resourceId: venueId, heldBy: { title: "星空观测夜（第一场）" } });
    expect(flag.zh).toContain("星空观测夜（第一场）");
    await dispatchAndAccept(secondOrder);
    const told = await platform.engines.readTopic(platform.engines.topic("events"), (all) => all.some((m) => decodeEnvelope(m.value).aggregateId === `act-${secondOrder}`), 30_000);
    const events = told.map((m) => decodeEnvelope(m.value)).filter((e) => e.aggregateId === `act-${secondOrder}`);
    expect(events.map((e) => e.type)).toEqual(["kepu.events.v1.OrderSchedulingConflicted"]);
    expectStatus(await call("worker", "GET", `/api/v1/activities/act-${secondOrder}`), 404);
    expect(expectStatus(await call("worker", "GET", `/api/v1/orders/${secondOrder}`), 200).order.status).toBe("ORDER_STATUS_ACCEPTED");
    const held = expectStatus(await call("worker", "GET", `/api/v1/resources/${venueId}/calendar?month=${month}`), 200).reservations;
    expect(held.map((r: { title: string }) => r.title)).toEqual(["星空观测夜（第一场）"]);
  });
});

describe("a caravan's rotation over HTTP", () => {
  let caravanId = "";
  const communities = ["sz-futian-yuanling-c1", "sz-futian-yuanling-c2", "sz-futian-yuanling-c3"].map((communityId, i) => ({ communityId, lastVisit: `2026-0${3 - i}-01` }));

  it("the district's caravan: proposed least recently visited first, saved onto its calendar, a stay moved; others refused", async () => {
    const caravan = { ownerOrgId: "sz-futian", kind: "RESOURCE_KIND_EQUIPMENT", name: "福田科普大篷车", capacity: 0, themes: ["THEME_HEALTH"], areaOrgIds: ["sz-futian"], openToOthers: true };
    caravanId = expectStatus(await call("district", "POST", "/api/v1/resources", caravan), 200).resource.resourceId;
    expectStatus(await call("district", "POST", `/api/v1/resources/${caravanId}/review`, { decision: "APPROVE" }), 200);
    const body = { month: "2027-09", stayDays: 2, travelDays: 1, communities };
    const plan = await waitFor(async () => {
      const answer = await call("district", "POST", `/api/v1/resources/${caravanId}/rotation/propose`, body);
      return answer.status === 200 ? answer.body.plan : undefined;
    }, { what: "events to know the caravan" });
    expect(plan.stays.map((s: { communityId: string; firstDay: string }) => `${s.communityId} ${s.firstDay}`)).toEqual(["sz-futian-yuanling-c3 2027-09-01", "sz-futian-yuanling-c2 2027-09-04", "sz-futian-yuanling-c1 2027-09-07"]);
    expectStatus(await call("worker", "POST", `/api/v1/resources/${caravanId}/rotation/propose`, body), 403, "NOT_RESOURCE_OWNER");
    expect(expectStatus(await call("district", "PUT", `/api/v1/resources/${caravanId}/rotation/2027-09`, { stayDays: 2, travelDays: 1, stays: plan.stays }), 200).plan.saved).toBe(true);
    const held = expectStatus(await call("district", "GET", `/api/v1/resources/${caravanId}/calendar?month=2027-09`), 200).reservations;
    expect(held).toHaveLength(3);
    const tooClose = await call("district", "PATCH", `/api/v1/resources/${caravanId}/rotation/2027-09/stays/sz-futian-yuanling-c1`, { moveToFirstDay: "2027-09-05" });
    expectStatus(tooClose, 409, "TRAVEL_DAYS_TOO_FEW");
    const moved = expectStatus(await call("district", "PATCH", `/api/v1/resources/${caravanId}/rotation/2027-09/stays/sz-futian-yuanling-c1`, { moveToFirstDay: "2027-09-20" }), 200).plan;
    expect(moved.stays.at(-1)).toMatchObject({ communityId: "sz-futian-yuanling-c1", firstDay: "2027-09-20", lastDay: "2027-09-21" });
    expect(expectStatus(await call("district", "GET", `/api/v1/resources/${caravanId}/rotation/2027-09`), 200).plan.stays).toHaveLength(3);
  });
});
