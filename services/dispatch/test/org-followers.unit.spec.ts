// What dispatch does with an org's rename, move and close, as pure rules: a closed community
// cannot order (bilingual error); a moved community's open orders take its new place, done ones
// and other communities' stay; an order already there is no change (redelivery). The move goes
// through the order's decider: one OrderCommunityMoved, version+1, a timeline step naming both
// places; the status, holder and timers stay.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { OrgKind, OrgPlaceSchema } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderCommunityMovedSchema, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { decide } from "../src/domain/decide.js";
import { evolve } from "../src/domain/order.js";
import { checkCommunity, movedPlace, openStatuses, relocationReason, type KnownOrg } from "../src/domain/references.js";
import { toEnvelope, toTimeline } from "../src/messaging/order-events.js";
import { systemActor } from "../src/orders.js";
import { commands as c, community, deadlines, given, t0 } from "./order-fixtures.js";

const before = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-futian", "sz-futian-yuanling", "c9"], districtId: "sz-futian", streetId: "sz-futian-yuanling", communityId: "c9" });
const moved: KnownOrg = { orgId: "c9", kind: OrgKind.COMMUNITY, path: ["sz", "sz-luohu", "sz-luohu-s", "c9"], districtId: "sz-luohu", streetId: "sz-luohu-s" };

describe("a closed community", () => {
  it("can no longer order, told in Chinese first and English second", () => {
    const result = checkCommunity(before, { orgId: "c9", kind: OrgKind.COMMUNITY, path: [...before.path], closed: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: "COMMUNITY_CLOSED", field: "request.community" });
    expect(result.error.zh).toContain("已撤销");
    expect(result.error.en).toContain("has been closed");
  });

  it("an open one still can", () => {
    expect(checkCommunity(before, { orgId: "c9", kind: OrgKind.COMMUNITY, path: [...before.path], closed: false }).ok).toBe(true);
  });
});

describe("a moved community's orders", () => {
  it.each(openStatuses.map((status) => [OrderStatus[status], status] as const))("a %s order takes the new place", (_, status) => {
    expect(movedPlace(status, before, moved)).toEqual(create(OrgPlaceSchema, { orgId: "c9", path: moved.path as string[], districtId: "sz-luohu", streetId: "sz-luohu-s", communityId: "c9" }));
  });

  it.each([OrderStatus.DELIVERED, OrderStatus.RATED, OrderStatus.CANCELLED, OrderStatus.REJECTED].map((s) => [OrderStatus[s], s] as const))("a %s order stays where it happened", (_, status) => {
    expect(movedPlace(status, before, moved)).toBeUndefined();
  });

  it("an order already at the new place, or another community's, is no change", () => {
    const there = movedPlace(OrderStatus.SUBMITTED, before, moved)!;
    expect(movedPlace(OrderStatus.SUBMITTED, there, moved)).toBeUndefined();
    expect(movedPlace(OrderStatus.SUBMITTED, create(OrgPlaceSchema, { ...before, orgId: "c8" }), moved)).toBeUndefined();
    expect(movedPlace(OrderStatus.SUBMITTED, undefined, moved)).toBeUndefined();
  });

  it("keeps the district and street it had when the read model does not know them", () => {
    const pathOnly: KnownOrg = { orgId: "c9", kind: OrgKind.COMMUNITY, path: ["sz", "sz-futian", "sz-futian-x", "c9"] };
    expect(movedPlace(OrderStatus.POOLED, before, pathOnly)).toMatchObject({ path: pathOnly.path, districtId: "sz-futian", streetId: "sz-futian-yuanling" });
  });
});

describe("relocate: the decider moves an open order with its community", () => {
  const relocate = c.relocate;
  const decideOn = (state: ReturnType<typeof given>) => decide(state, relocate, { now: t0, deadlines });

  it("emits one OrderCommunityMoved with the new place, the old path and both places by name", () => {
    const state = given(c.submit, c.dispatch);
    const decision = decideOn(state);
    expect(decision.ok && decision.value).toEqual([
      {
        kind: "OrderCommunityMoved",
        community: create(OrgPlaceSchema, { ...community, path: [...relocate.moved.path], districtId: "sz-luohu", streetId: "sz-luohu-dongmen" }),
        fromPath: community.path,
        reason: "社区调整到新的街道/区：福田区 园岭街道 → 罗湖区 东门街道 / The community moved to another street or district: 福田区 园岭街道 → 罗湖区 东门街道",
      },
    ]);
  });

  it("evolves to the new place and version+1; status, holder, teams and timer stay; a repeat is no change", () => {
    const state = given(c.submit, c.dispatch);
    const decision = decideOn(state);
    if (!decision.ok) throw decision.error;
    const after = evolve(state, decision.value[0]!, state.orderId, t0);
    expect(after).toEqual({ ...state, version: state.version + 1, request: { ...state.request, community: expect.objectContaining({ path: relocate.moved.path, districtId: "sz-luohu", streetId: "sz-luohu-dongmen" }) } });
    expect(after.request.title).toBe(state.request.title);
    expect(decideOn(after)).toEqual({ ok: true, value: [] }); // redelivered: already there
  });

  it.each([c.deliver, c.cancel, c.reject].map((last) => [last.kind, last] as const))("a %sed order stays where it happened: no event", (_, last) => {
    const done = last.kind === "deliver" ? given(c.submit, c.dispatch, c.accept, c.schedule, last) : given(c.submit, last);
    expect(decideOn(done)).toEqual({ ok: true, value: [] });
  });

  it("becomes a timeline step and a kepu.dispatch.v1 event by the system", () => {
    const state = given(c.submit);
    const decision = decideOn(state);
    if (!decision.ok) throw decision.error;
    const after = evolve(state, decision.value[0]!, state.orderId, t0);
    const recorded = { event: decision.value[0]!, version: after.version, at: t0, actor: systemActor };
    expect(toTimeline(recorded)).toMatchObject({ eventType: "OrderCommunityMoved", actorId: "dispatch", reason: expect.stringContaining("罗湖区 东门街道") });
    const envelope = toEnvelope(state.orderId, recorded, after, { correlationId: "move-1" });
    expect(envelope).toMatchObject({ type: OrderCommunityMovedSchema.typeName, aggregateId: state.orderId, aggregateVersion: BigInt(after.version) });
  });

  it("names a place by its path when the district and street are not known, by id when the name is not", () => {
    const bare = create(OrgPlaceSchema, { orgId: "c9", path: ["sz", "sz-x", "sz-x-s", "c9"] });
    expect(relocationReason(bare, before, { "sz-x": "某区" })).toContain("某区 sz-x-s → sz-futian sz-futian-yuanling");
  });
});
