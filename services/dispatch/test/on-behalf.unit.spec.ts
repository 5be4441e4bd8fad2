import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { ConsentMethod, OnBehalfSchema, OrderStatus, PlacerCapacity } from "@kepu/contracts/dispatch/v1/events_pb";
import { decide } from "../src/domain/decide.js";
import { onBehalfReason, placeOnBehalf } from "../src/domain/on-behalf.js";
import { evolve } from "../src/domain/order.js";
import { toTimeline } from "../src/messaging/order-events.js";
import { community, deadlines, request, t0 } from "./order-fixtures.js";

const worker = create(ActorSchema, { id: "worker-wang", role: Role.COMMUNITY_WORKER, orgId: community.orgId, displayName: "王芳" });
const asked = create(OnBehalfSchema, {
  residentId: "resident-li",
  residentName: " 李桂英 ",
  residentHasAccount: true,
  residentCommunityId: community.orgId,
  residentPhoneMasked: "138****5678",
  consent: ConsentMethod.PHONE,
  // Whatever a request says of the placer is replaced by the caller.
  placedById: "someone-else",
  placedByName: "冒名",
});

describe("代点单: who may order for whom (placeOnBehalf)", () => {
  it("records the caller as the placer, the resident and how she agreed", () => {
    const placed = placeOnBehalf(worker, asked, community);
    expect(placed.ok && placed.value).toMatchObject({
      placedById: "worker-wang",
      placedByName: "王芳",
      capacity: PlacerCapacity.COMMUNITY_WORKER,
      residentId: "resident-li",
      residentName: "李桂英",
      consent: ConsentMethod.PHONE,
    });
  });

  it("keeps the capacity given (科普中国信息员)", () => {
    const placed = placeOnBehalf(worker, { ...asked, capacity: PlacerCapacity.INFORMANT }, community);
    expect(placed.ok && placed.value.capacity).toBe(PlacerCapacity.INFORMANT);
  });

  const refusals: [string, Parameters<typeof placeOnBehalf>, string, string | undefined][] = [
    ["consent is required", [worker, { ...asked, consent: ConsentMethod.UNSPECIFIED }, community], "CONSENT_REQUIRED", "onBehalfOf.consent"],
    ["an unknown consent is no consent", [worker, { ...asked, consent: 99 as ConsentMethod }, community], "CONSENT_REQUIRED", "onBehalfOf.consent"],
    ["a resident cannot place for another", [create(ActorSchema, { id: "resident-x", role: Role.RESIDENT, orgId: community.orgId }), asked, community], "RESIDENT_CANNOT_ORDER_FOR_OTHERS", undefined],
    ["a team leader cannot either", [create(ActorSchema, { id: "leader", role: Role.TEAM_LEADER, orgId: "team-a" }), asked, community], "ONLY_WORKERS_ORDER_FOR_RESIDENTS", undefined],
    ["nobody signed in cannot", [undefined, asked, community], "ONLY_WORKERS_ORDER_FOR_RESIDENTS", undefined],
    ["the order's community must be the worker's", [{ ...worker, orgId: "sz-futian-yuanling-other" }, asked, community], "RESIDENT_NOT_IN_YOUR_COMMUNITY", "onBehalfOf"],
    ["the resident must live in that community", [worker, { ...asked, residentCommunityId: "sz-futian-yuanling-other" }, community], "RESIDENT_NOT_IN_YOUR_COMMUNITY", "onBehalfOf"],
    ["an order needs its community", [worker, asked, undefined], "RESIDENT_NOT_IN_YOUR_COMMUNITY", "onBehalfOf"],
    ["the resident's name is required", [worker, { ...asked, residentName: "  " }, community], "RESIDENT_NAME_REQUIRED", "onBehalfOf.name"],
    ["the resident is required", [worker, { ...asked, residentId: "" }, community], "RESIDENT_REQUIRED", "onBehalfOf.residentId"],
    ["not for the worker herself", [worker, { ...asked, residentId: "worker-wang" }, community], "NOT_FOR_YOURSELF", "onBehalfOf.residentId"],
    ["a consent note is short", [worker, { ...asked, consentNote: "长".repeat(201) }, community], "CONSENT_NOTE_TOO_LONG", "onBehalfOf.consentNote"],
  ];
  it.each(refusals)("%s", (_why, args, code, field) => {
    const placed = placeOnBehalf(...args);
    expect(placed.ok).toBe(false);
    if (!placed.ok) {
      expect(placed.error.code).toBe(code);
      expect(placed.error.field).toBe(field);
      expect(placed.error.zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("names the consent field in Chinese", () => {
    const placed = placeOnBehalf(worker, { ...asked, consent: ConsentMethod.UNSPECIFIED }, community);
    expect(!placed.ok && placed.error.zh).toContain("同意方式");
  });
});

describe("代点单 through the decider: the resident is the requester, the timeline names the placer", () => {
  it("submits for the resident and keeps who placed it", () => {
    const placed = placeOnBehalf(worker, asked, community);
    if (!placed.ok) throw placed.error;
    const decision = decide(undefined, { kind: "submit", requesterId: placed.value.residentId, request, campaignId: "", onBehalf: placed.value }, { now: t0, deadlines });
    if (!decision.ok) throw decision.error;
    const [event] = decision.value;
    const state = evolve(undefined, event!, "order-1", t0);
    expect(state).toMatchObject({ status: OrderStatus.SUBMITTED, requesterId: "resident-li", onBehalf: { placedByName: "王芳", consent: ConsentMethod.PHONE } });
    const step = toTimeline({ event: event!, version: 1, at: t0, actor: worker });
    expect(step.reason).toMatch(/^由 王芳 代为点单（电话确认） \/ /);
  });

  it("a resident's own order has no placer and says nothing of one", () => {
    const decision = decide(undefined, { kind: "submit", requesterId: "resident-1", request, campaignId: "" }, { now: t0, deadlines });
    if (!decision.ok) throw decision.error;
    expect(evolve(undefined, decision.value[0]!, "order-1", t0).onBehalf).toBeUndefined();
    expect(toTimeline({ event: decision.value[0]!, version: 1, at: t0, actor: undefined }).reason).toBe("");
  });

  it("the consent note and each way of agreeing are said", () => {
    const base = { ...asked, placedByName: "王芳" };
    expect(onBehalfReason({ ...base, consent: ConsentMethod.ORAL })).toContain("口头确认");
    expect(onBehalfReason({ ...base, consent: ConsentMethod.WRITTEN, consentNote: "签字单存档" })).toContain("书面确认：签字单存档");
  });
});
