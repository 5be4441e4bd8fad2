import { describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { mailboxesOf } from "../src/domain/mailboxes.js";
import { beijingTime, whoIsTold, type Happening } from "../src/domain/rules.js";
import { afterFailure, decideSms, smsDueAt } from "../src/domain/sms.js";

const order = { orderId: "o1", requesterId: "r1", communityOrgId: "c1", title: "垃圾分类" };
const at = new Date("2027-09-20T06:00:00Z"); // 14:00 Beijing

// Who is told what, per happening: [case, happening, [mailbox, kind, sms][]].
const table: [string, Happening, [string, string, boolean][]][] = [
  ["代点单: the resident, who ordered for her and how she agreed (SMS)", { kind: "orderPlacedForYou", order, placerName: "王芳", consent: ["电话确认", "agreed by phone"] }, [["person:r1", "order.placedForYou", true]]],
  ["派单: the resident and each invited team", { kind: "orderDispatched", order, teamIds: ["t1", "t2"] }, [["person:r1", "order.dispatched", false], ["team:t1", "order.offered", false], ["team:t2", "order.offered", false]]],
  ["接单: the resident, by which team (SMS)", { kind: "orderAccepted", order, teamName: "福田科普队" }, [["person:r1", "order.accepted", true]]],
  ["declined: the community", { kind: "orderDeclined", order, teamName: "福田科普队", reason: "时间冲突", stillOpen: false }, [["org:c1", "order.declined", false]]],
  ["pooled: the association and the teams serving the area", { kind: "orderPooled", order, poolOrgId: "d1", areaTeamIds: ["t9"] }, [["org:d1", "order.pooled", false], ["team:t9", "order.poolInArea", false]]],
  ["escalated: the community and the org it went to", { kind: "orderEscalated", order, toOrgId: "d1", reason: "超时" }, [["org:c1", "order.escalated", false], ["org:d1", "order.escalatedToYou", false]]],
  ["escalated within the community: told once", { kind: "orderEscalated", order, toOrgId: "c1", reason: "" }, [["org:c1", "order.escalated", false]]],
  ["rejected: the resident (SMS)", { kind: "orderRejected", order, reason: "重复" }, [["person:r1", "order.rejected", true]]],
  ["cancelled by the resident: community and the accepting team", { kind: "orderCancelled", order, reason: "", byRequester: true, teamId: "t1" }, [["org:c1", "order.cancelled", false], ["team:t1", "order.cancelled", false]]],
  ["cancelled by staff: the resident (SMS)", { kind: "orderCancelled", order, reason: "", byRequester: false, teamId: "" }, [["person:r1", "order.cancelled", true]]],
  ["delivered: please rate", { kind: "orderDelivered", order }, [["person:r1", "order.pleaseRate", false]]],
  ["scheduled: time and place (SMS)", { kind: "activityScheduled", order, activityId: "a1", title: "垃圾分类", startsAt: at, place: "红荔社区活动室" }, [["person:r1", "order.scheduled", true]]],
  ["reminder: every seated resident and the requester, once each", { kind: "reminder", activityId: "a1", title: "x", startsAt: at, place: "p", residentIds: ["r2", "r1", "r3"], requesterId: "r1" }, [["person:r2", "activity.reminder", true], ["person:r1", "activity.reminder", true], ["person:r3", "activity.reminder", true]]],
  ["promoted from the waitlist (SMS)", { kind: "bookingPromoted", activityId: "a1", title: "x", residentId: "r5", startsAt: at }, [["person:r5", "booking.promoted", true]]],
  ["summary published: the requester", { kind: "summaryFiled", activityId: "a1", title: "x", requesterId: "r1" }, [["person:r1", "activity.summaryPublished", false]]],
  ["completed without a summary: the organizer, summary due", { kind: "activityCompleted", activityId: "a1", title: "x", organizerOrgId: "c1", summaryFiled: false }, [["org:c1", "activity.summaryDue", false]]],
  ["completed with its summary: nobody", { kind: "activityCompleted", activityId: "a1", title: "x", organizerOrgId: "c1", summaryFiled: true }, []],
  ["base certification step: the base's staff", { kind: "baseStep", baseOrgId: "b1", baseName: "莲花山", step: "certified", detail: "已通过认定", detailEn: "certified" }, [["org:b1", "base.certified", false]]],
  ["an order this service never saw: no mailbox, nobody", { kind: "orderAccepted", order: { ...order, requesterId: "" }, teamName: "" }, []],
];

describe("who is told what", () => {
  it.each(table)("%s", (_name, happening, expected) => {
    const drafts = whoIsTold(happening);
    expect(drafts.map((d) => [d.mailbox, d.kind, d.sms])).toEqual(expected);
    for (const d of drafts) expect(d.title && d.body && d.titleEn && d.bodyEn).toBeTruthy();
  });

  it("代点单: names the placer and the consent, Chinese first", () => {
    const [told] = whoIsTold({ kind: "orderPlacedForYou", order, placerName: "王芳", consent: ["电话确认", "agreed by phone"] });
    expect(told!.body).toBe("王芳已为您代为点单「垃圾分类」（电话确认），社区派单、队伍接单后会再通知您");
    expect(told!.bodyEn).toContain("agreed by phone");
  });

  it("says times in Beijing time", () => {
    const [scheduled] = whoIsTold({ kind: "activityScheduled", order, activityId: "a1", title: "垃圾分类", startsAt: new Date("2027-09-28T16:30:00Z"), place: "红荔社区活动室" });
    expect(beijingTime(new Date("2027-09-28T16:30:00Z"))).toBe("9月29日 00:30");
    expect(scheduled!.body).toContain("9月29日 00:30");
    expect(scheduled!.body).toContain("红荔社区活动室");
  });
});

describe("SMS: quiet hours 22:00–08:00 Beijing, daily cap, backoff", () => {
  const bj = (local: string) => new Date(`${local}+08:00`);
  it.each([
    ["07:59 waits until 08:00 the same day", "2027-09-28T07:59:00", "2027-09-28T08:00:00"],
    ["08:00 goes now", "2027-09-28T08:00:00", "2027-09-28T08:00:00"],
    ["21:59 goes now", "2027-09-28T21:59:59", "2027-09-28T21:59:59"],
    ["22:00 waits until 08:00 the next day", "2027-09-28T22:00:00", "2027-09-29T08:00:00"],
    ["23:00 waits until 08:00 the next day", "2027-09-28T23:00:00", "2027-09-29T08:00:00"],
    ["00:30 waits until 08:00 that day", "2027-09-29T00:30:00", "2027-09-29T08:00:00"],
    ["23:30 on 31 December: 08:00 on New Year's day", "2027-12-31T23:30:00", "2028-01-01T08:00:00"],
  ])("%s", (_name, now, due) => expect(smsDueAt(bj(now)).toISOString()).toBe(bj(due).toISOString()));

  it("decides: opted out, quiet, capped, send", () => {
    expect(decideSms(bj("2027-09-28T12:00:00"), 0, 5, false)).toEqual({ kind: "skip", status: "optedOut" });
    expect(decideSms(bj("2027-09-28T23:00:00"), 0, 5, true)).toEqual({ kind: "wait", until: bj("2027-09-29T08:00:00") });
    expect(decideSms(bj("2027-09-28T12:00:00"), 5, 5, true)).toEqual({ kind: "skip", status: "capped" });
    expect(decideSms(bj("2027-09-28T12:00:00"), 4, 5, true)).toEqual({ kind: "send" });
  });

  it("retries with doubling backoff, then dead", () => {
    const now = new Date("2027-09-28T04:00:00Z");
    expect(afterFailure(1, 3, now)).toEqual({ kind: "retry", at: new Date(now.getTime() + 2_000) });
    expect(afterFailure(2, 3, now)).toEqual({ kind: "retry", at: new Date(now.getTime() + 4_000) });
    expect(afterFailure(3, 3, now)).toEqual({ kind: "dead" });
    expect(afterFailure(30, 99, now)).toEqual({ kind: "retry", at: new Date(now.getTime() + 3_600_000) });
  });
});

describe("mailboxes a person reads", () => {
  it.each([
    ["a resident: her own only, not her community's", { id: "r1", role: Role.RESIDENT, orgId: "c1" }, ["person:r1"]],
    ["a community worker: hers and the community's", { id: "w1", role: Role.COMMUNITY_WORKER, orgId: "c1" }, ["person:w1", "org:c1"]],
    ["a district association: hers and the district's", { id: "d", role: Role.DISTRICT_STAFF, orgId: "d1" }, ["person:d", "org:d1"]],
    ["a team member: hers and the team's", { id: "m", role: Role.TEAM_MEMBER, orgId: "t1" }, ["person:m", "team:t1"]],
    ["base staff: hers and the base org's", { id: "b", role: Role.BASE_STAFF, orgId: "b1" }, ["person:b", "org:b1"]],
    ["a dashboard viewer: her own", { id: "v", role: Role.DASHBOARD_VIEWER, orgId: "sz" }, ["person:v"]],
  ])("%s", (_name, actor, expected) => expect(mailboxesOf(actor)).toEqual(expected));

  it("nobody signed in reads nothing", () => expect(() => mailboxesOf(undefined)).toThrow(/sign in/));
});
