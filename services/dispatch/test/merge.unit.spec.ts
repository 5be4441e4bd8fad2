import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { Audience, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { MergedOrderSchema, OnBehalfSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { MergeAnswer, MergeStatus } from "@kepu/contracts/dispatch/v1/service_pb";
import { decide, type OrderCommand } from "../src/domain/decide.js";
import { candidateOf, compatibleAudience, decideMerge, evolveMerge, suggestMerges, type MergeCandidate, type MergeCommand, type MergeState } from "../src/domain/merge.js";
import { evolve, type OrderState } from "../src/domain/order.js";
import { commands, deadlines, given, request, t0 } from "./order-fixtures.js";

const day = 86_400_000;
const street = "sz-futian-yuanling";
const place = (communityId: string, streetId = street, districtId = "sz-futian") =>
  create(OrgPlaceSchema, { orgId: communityId, path: ["sz", districtId, streetId, communityId], districtId, streetId, communityId });

/** An open order of `communityId`, wanted `days` after t0. */
function orderOf(orderId: string, communityId: string, days: number, overrides: Partial<OrderState> = {}, requesterId = `resident-${orderId}`): OrderState {
  const state = given({ ...commands.submit, requesterId, request: { ...request, community: place(communityId), preferredDate: timestampFromDate(new Date(t0.getTime() + days * day)) } });
  return { ...state, orderId, ...overrides };
}

const candidate = (orderId: string, communityId: string, days: number, over: Partial<MergeCandidate> = {}): MergeCandidate => ({
  orderId,
  status: OrderStatus.SUBMITTED,
  mergeId: "",
  theme: Theme.DIGITAL_LITERACY,
  audience: Audience.ELDERLY,
  communityId,
  streetId: street,
  districtId: "sz-futian",
  wantedAt: new Date(t0.getTime() + days * day),
  ...over,
});

describe("merged demand: suggestions (suggestMerges)", () => {
  const options = { windowDays: 14, neighbourhood: "district" as const };
  const cases: { name: string; candidates: MergeCandidate[]; groups: string[][]; neighbourhood?: "street" | "district" }[] = [
    { name: "three communities of one street, one theme, within the window: one group", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 3), candidate("c", "c3", 10)], groups: [["a", "b", "c"]] },
    { name: "a different theme stays out", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 3), candidate("x", "c3", 1, { theme: Theme.HEALTH })], groups: [["a", "b"]] },
    { name: "a different audience stays out", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 3), candidate("x", "c3", 1, { audience: Audience.YOUTH })], groups: [["a", "b"]] },
    { name: "社区居民 and an unstated audience go together", candidates: [candidate("a", "c1", 0, { audience: Audience.RESIDENTS }), candidate("b", "c2", 3, { audience: Audience.UNSPECIFIED })], groups: [["a", "b"]] },
    { name: "outside the window: no group", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 15)], groups: [] },
    { name: "exactly the window apart: one group", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 14)], groups: [["a", "b"]] },
    { name: "one community only: no merge", candidates: [candidate("a", "c1", 0), candidate("b", "c1", 1)], groups: [] },
    { name: "dispatched or already merged orders are not open", candidates: [candidate("a", "c1", 0), candidate("b", "c2", 1, { status: OrderStatus.DISPATCHED }), candidate("m", "c3", 1, { mergeId: "merge-1" })], groups: [] },
    { name: "another street of the district: a neighbour by default", candidates: [candidate("a", "c1", 0), candidate("b", "c9", 2, { streetId: "sz-futian-lianhua" })], groups: [["a", "b"]] },
    { name: "another street, street neighbourhood: no group", candidates: [candidate("a", "c1", 0), candidate("b", "c9", 2, { streetId: "sz-futian-lianhua" })], groups: [], neighbourhood: "street" },
    { name: "another district: never", candidates: [candidate("a", "c1", 0), candidate("b", "c9", 2, { districtId: "sz-nanshan", streetId: "sz-nanshan-yuehai" })], groups: [] },
    {
      name: "two windows of one bucket: two groups, larger first",
      candidates: [candidate("a", "c1", 0), candidate("b", "c2", 2), candidate("c", "c1", 30), candidate("d", "c2", 31), candidate("e", "c3", 32)],
      groups: [["c", "d", "e"], ["a", "b"]],
    },
  ];
  it.each(cases)("$name", ({ candidates, groups, neighbourhood }) => {
    expect(suggestMerges(candidates, { ...options, neighbourhood: neighbourhood ?? "district" }).map((g) => g.orderIds)).toEqual(groups);
  });

  it("names the group's theme, audience, area, communities and dates", () => {
    const [group] = suggestMerges([candidate("a", "c1", 0, { audience: Audience.RESIDENTS }), candidate("b", "c2", 3, { audience: Audience.UNSPECIFIED })], { windowDays: 7, neighbourhood: "street" });
    expect(group).toMatchObject({ theme: Theme.DIGITAL_LITERACY, audience: Audience.RESIDENTS, areaOrgId: street, communityIds: ["c1", "c2"], earliest: t0, latest: new Date(t0.getTime() + 3 * day) });
  });

  it("an order's wanted date is its preferred date, else when it was ordered", () => {
    expect(candidateOf(orderOf("a", "c1", 5)).wantedAt).toEqual(new Date(t0.getTime() + 5 * day));
    const noDate = given(commands.submit);
    expect(candidateOf(noDate).wantedAt).toEqual(t0);
    expect(compatibleAudience(Audience.ELDERLY, Audience.YOUTH)).toBe(false);
  });
});

const streetStaff = create(ActorSchema, { id: "street-zhou", role: Role.STREET_STAFF, orgId: street, displayName: "周敏" });
const worker = create(ActorSchema, { id: "worker-wang", role: Role.COMMUNITY_WORKER, orgId: "c1", displayName: "王芳" });
const resident = (orderId: string) => create(ActorSchema, { id: `resident-${orderId}`, role: Role.RESIDENT, orgId: "c1" });

function run(state: MergeState | undefined, command: MergeCommand, actor = streetStaff): MergeState {
  const decision = decideMerge(state, command, actor);
  if (!decision.ok) throw new Error(`${command.kind} refused: ${decision.error.code}`);
  return decision.value.reduce<MergeState | undefined>((s, e) => evolveMerge(s, e, "merge-1"), state) ?? state!;
}
const refusal = (state: MergeState | undefined, command: MergeCommand, actor = streetStaff) => {
  const decision = decideMerge(state, command, actor);
  return decision.ok ? "allowed" : decision.error.code;
};

describe("merged demand: proposal, consent, confirmation (decideMerge)", () => {
  const a = orderOf("a", "c1", 0);
  const b = orderOf("b", "c2", 3);
  const c = orderOf("c", "c3", 5);
  const proposed = run(undefined, { kind: "propose", orders: [a, b, c], note: " 一起办 " });

  it("the street proposes: every requester pending", () => {
    expect(proposed).toMatchObject({ status: MergeStatus.PROPOSED, proposedById: "street-zhou", proposedByOrgId: street, note: "一起办", version: 1 });
    expect(proposed.members.map((m) => [m.orderId, m.answer, m.communityId])).toEqual([
      ["a", MergeAnswer.PENDING, "c1"],
      ["b", MergeAnswer.PENDING, "c2"],
      ["c", MergeAnswer.PENDING, "c3"],
    ]);
  });

  it.each([
    { name: "a resident cannot propose", orders: [a, b], actor: resident("a"), code: "MERGE_ONLY_WORKERS_OR_STREETS" },
    { name: "a worker only over her own community", orders: [a, b], actor: worker, code: "OUTSIDE_YOUR_SCOPE" },
    { name: "a district's staff is not the street", orders: [a, b], actor: create(ActorSchema, { id: "d", role: Role.DISTRICT_STAFF, orgId: "sz-futian" }), code: "MERGE_ONLY_WORKERS_OR_STREETS" },
    { name: "one order is no merge", orders: [a], actor: streetStaff, code: "MERGE_TOO_FEW_ORDERS" },
    { name: "the same order twice is no merge", orders: [a, a], actor: streetStaff, code: "MERGE_TOO_FEW_ORDERS" },
    { name: "another theme", orders: [a, { ...b, request: { ...b.request, theme: Theme.HEALTH } }], actor: streetStaff, code: "MERGE_THEME_DIFFERS" },
    { name: "another audience", orders: [a, { ...b, request: { ...b.request, audience: Audience.YOUTH } }], actor: streetStaff, code: "MERGE_AUDIENCE_DIFFERS" },
    { name: "a dispatched order", orders: [a, { ...b, status: OrderStatus.DISPATCHED }], actor: streetStaff, code: "MERGE_ORDER_NOT_OPEN" },
    { name: "an order merged elsewhere", orders: [a, { ...b, mergeId: "merge-0" }], actor: streetStaff, code: "ORDER_ALREADY_MERGED" },
  ])("$name", ({ orders, actor, code }) => {
    expect(refusal(undefined, { kind: "propose", orders, note: "" }, actor)).toBe(code);
  });

  it("a worker over both communities proposes; a retried proposal changes nothing", () => {
    const both = create(ActorSchema, { id: "worker-street", role: Role.COMMUNITY_WORKER, orgId: street });
    expect(refusal(undefined, { kind: "propose", orders: [a, b], note: "" }, both)).toBe("allowed");
    expect(decideMerge(proposed, { kind: "propose", orders: [a, b], note: "" }, streetStaff)).toEqual({ ok: true, value: [] });
  });

  it("each requester answers for her own order; a 代点单's placer may answer for her", () => {
    expect(refusal(proposed, { kind: "answer", order: a, consent: true, reason: "" }, resident("b"))).toBe("NOT_REQUESTER");
    expect(refusal(proposed, { kind: "answer", order: a, consent: true, reason: "" }, streetStaff)).toBe("NOT_REQUESTER");
    const placed = { ...a, onBehalf: create(OnBehalfSchema, { placedById: "worker-wang", residentId: a.requesterId }) };
    expect(refusal(proposed, { kind: "answer", order: placed, consent: true, reason: "" }, worker)).toBe("allowed");
    expect(refusal(proposed, { kind: "answer", order: orderOf("z", "c1", 0), consent: true, reason: "" }, resident("z"))).toBe("ORDER_NOT_IN_MERGE");
  });

  const answered = [
    { order: a, consent: true },
    { order: b, consent: false },
    { order: c, consent: true },
  ].reduce((s, { order, consent }) => run(s, { kind: "answer", order, consent, reason: consent ? "" : " 想单独办 " }, resident(order.orderId)), proposed);

  it("two consent, one keeps her own order", () => {
    expect(answered.members.map((m) => [m.orderId, m.answer, m.answeredById, m.reason])).toEqual([
      ["a", MergeAnswer.CONSENTED, "resident-a", ""],
      ["b", MergeAnswer.DECLINED, "resident-b", "想单独办"],
      ["c", MergeAnswer.CONSENTED, "resident-c", ""],
    ]);
    expect(decideMerge(answered, { kind: "answer", order: a, consent: true, reason: "" }, resident("a"))).toEqual({ ok: true, value: [] });
  });

  it("the proposer confirms: the consenting orders become one group, the first of them leading", () => {
    expect(refusal(answered, { kind: "confirm", orders: [a, b, c] }, worker)).toBe("NOT_MERGE_PROPOSER");
    const merged = run(answered, { kind: "confirm", orders: [a, b, c] });
    expect(merged).toMatchObject({ status: MergeStatus.MERGED, leadOrderId: "a", mergedOrderIds: ["a", "c"] });
    expect(decideMerge(merged, { kind: "confirm", orders: [a, b, c] }, streetStaff)).toEqual({ ok: true, value: [] });
    expect(refusal(merged, { kind: "confirm", orders: [a, b, c] }, resident("a"))).toBe("NOT_MERGE_PROPOSER");
    expect(refusal(merged, { kind: "answer", order: b, consent: true, reason: "" }, resident("b"))).toBe("MERGE_ALREADY_CONFIRMED");
  });

  it("fewer than two consenting orders still open: nothing to confirm", () => {
    expect(refusal(proposed, { kind: "confirm", orders: [a, b, c] })).toBe("MERGE_TOO_FEW_CONSENTS");
    expect(refusal(answered, { kind: "confirm", orders: [a, b, { ...c, status: OrderStatus.CANCELLED }] })).toBe("MERGE_TOO_FEW_CONSENTS");
  });
});

describe("merged demand: the orders of a group (decide)", () => {
  const members = ["a", "c"].map((orderId) => create(MergedOrderSchema, { orderId, requesterId: `resident-${orderId}`, community: place(orderId === "a" ? "c1" : "c3"), expectedParticipants: 20 }));
  const merge: OrderCommand = { kind: "merge", mergeId: "merge-1", leadOrderId: "a", orders: members, reason: "合并" };
  const step = (state: OrderState, command: OrderCommand) => {
    const decision = decide(state, command, { now: t0, deadlines });
    if (!decision.ok) return decision.error.code;
    return decision.value.reduce((s, e) => evolve(s, e, state.orderId, t0), state);
  };
  const lead = step(orderOf("a", "c1", 0), merge) as OrderState;
  const follower = step(orderOf("c", "c3", 5), merge) as OrderState;

  it("joining keeps the lead's timer and stops the follower's", () => {
    expect(lead).toMatchObject({ mergeId: "merge-1", leadOrderId: "a", status: OrderStatus.SUBMITTED });
    expect(lead.dueAt).toBeDefined();
    expect(follower).toMatchObject({ mergeId: "merge-1", leadOrderId: "a", status: OrderStatus.SUBMITTED, dueAt: undefined });
    expect(step(lead, merge)).toBe(lead); // a retried confirmation: no event
    expect(step(lead, { ...merge, mergeId: "merge-2" })).toBe("ORDER_ALREADY_MERGED");
  });

  it("the lead is dispatched and accepted once; a follower is not dispatched on its own", () => {
    const accepted = step(step(lead, commands.dispatch) as OrderState, commands.accept) as OrderState;
    expect(accepted.status).toBe(OrderStatus.ACCEPTED);
    expect(step(follower, commands.dispatch)).toBe("ORDER_MERGED_INTO_GROUP");
    expect(step(follower, commands.pool)).toBe("ORDER_MERGED_INTO_GROUP");
  });

  it("a follower is scheduled and delivered with the lead's activity", () => {
    const scheduled = step(follower, commands.schedule) as OrderState;
    expect(scheduled).toMatchObject({ status: OrderStatus.SCHEDULED, activityId: "act-1" });
    expect((step(scheduled, commands.deliver) as OrderState).status).toBe(OrderStatus.DELIVERED);
    expect((step(follower, commands.deliver) as OrderState).status).toBe(OrderStatus.DELIVERED);
  });
});
