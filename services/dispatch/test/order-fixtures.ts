import { create } from "@bufbuild/protobuf";
import { Audience, Format, OrgKind, OrgPlaceSchema, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { OrderRequestSchema, type OrderRequest } from "@kepu/contracts/dispatch/v1/events_pb";
import { decide, type OrderCommand } from "../src/domain/decide.js";
import type { DeadlinesByDistrict } from "../src/domain/deadlines.js";
import { evolve, type OrderState } from "../src/domain/order.js";

export const community = create(OrgPlaceSchema, {
  orgId: "sz-futian-yuanling-hongli",
  path: ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"],
  districtId: "sz-futian",
  streetId: "sz-futian-yuanling",
  communityId: "sz-futian-yuanling-hongli",
});

export const request: OrderRequest = create(OrderRequestSchema, {
  title: "老年人智能手机使用讲座",
  theme: Theme.DIGITAL_LITERACY,
  format: Format.EXPERT_TALK,
  audience: Audience.ELDERLY,
  expectedParticipants: 40,
  community,
});

export const deadlines: DeadlinesByDistrict = {
  default: { dispatchHours: 24, acceptHours: 48, claimHours: 24 },
  "sz-nanshan": { dispatchHours: 2, acceptHours: 4, claimHours: 2 },
};

export const t0 = new Date("2026-09-01T09:00:00Z");

export const commands = {
  submit: { kind: "submit", requesterId: "resident-1", request, campaignId: "kepu-month-2026" },
  dispatch: { kind: "dispatch", teamIds: ["team-a", "team-b"], note: "请尽快安排" },
  pool: { kind: "pool", poolOrgId: "sz-futian", reason: "社区无合适队伍" },
  claim: { kind: "claim", associationOrgId: "sz-futian" },
  accept: { kind: "accept", teamId: "team-a" },
  decline: { kind: "decline", teamId: "team-a", reason: "时间冲突" },
  schedule: { kind: "schedule", activityId: "act-1", startsAt: t0 },
  deliver: { kind: "deliver", activityId: "act-1", participants: 38, serviceHours: 6 },
  rate: { kind: "rate", raterId: "resident-1", score: 5, comment: "很实用" },
  cancel: { kind: "cancel", reason: "居民临时有事" },
  reject: { kind: "reject", reason: "不属于科普服务" },
  // The community moved to Luohu's Dongmen street (the registry's OrganizationMoved).
  relocate: {
    kind: "relocate",
    moved: { orgId: community.orgId, kind: OrgKind.COMMUNITY, path: ["sz", "sz-luohu", "sz-luohu-dongmen", community.orgId], districtId: "sz-luohu", streetId: "sz-luohu-dongmen" },
    names: { "sz-futian": "福田区", "sz-futian-yuanling": "园岭街道", "sz-luohu": "罗湖区", "sz-luohu-dongmen": "东门街道" },
  },
} satisfies Record<string, OrderCommand>;

/** Runs commands from nothing, failing loudly if one is refused; returns the state. */
export function given(...sequence: OrderCommand[]): OrderState {
  let state: OrderState | undefined;
  for (const command of sequence) {
    const decision = decide(state, command, { now: t0, deadlines });
    if (!decision.ok) throw new Error(`${command.kind} refused: ${decision.error.code}`);
    for (const event of decision.value) state = evolve(state, event, "order-1", t0);
  }
  return state!;
}
