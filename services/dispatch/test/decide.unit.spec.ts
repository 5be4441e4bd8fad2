import { describe, expect, it } from "vitest";
import { OrderHolder, OrderStage, OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { decide, type OrderCommand } from "../src/domain/decide.js";
import { evolve, type OrderState } from "../src/domain/order.js";
import { commands, deadlines, given, t0 } from "./order-fixtures.js";

const S = OrderStatus;
const c = commands;

/** How to reach each status from nothing. */
const reach: Record<string, OrderCommand[]> = {
  SUBMITTED: [c.submit],
  DISPATCHED: [c.submit, c.dispatch],
  POOLED: [c.submit, c.pool],
  CLAIMED: [c.submit, c.pool, c.claim],
  ACCEPTED: [c.submit, c.dispatch, c.accept],
  SCHEDULED: [c.submit, c.dispatch, c.accept, c.schedule],
  DELIVERED: [c.submit, c.dispatch, c.accept, c.schedule, c.deliver],
  RATED: [c.submit, c.dispatch, c.accept, c.schedule, c.deliver, c.rate],
  CANCELLED: [c.submit, c.cancel],
  REJECTED: [c.submit, c.reject],
};

// For every status × command: the status it leads to, "same" for a harmless repeat that emits
// nothing, or the error code that refuses it. relocate (the community moved) keeps the status of
// an open order and leaves a done one where it happened. This is PRODUCT.md's diagram, cell by cell.
const X = "ORDER_WRONG_STATUS";
const table: Record<string, Record<string, string>> = {
  SUBMITTED: { dispatch: "DISPATCHED", pool: "POOLED", claim: X, accept: X, decline: X, schedule: X, deliver: X, rate: X, cancel: "CANCELLED", reject: "REJECTED", submit: "ORDER_ALREADY_EXISTS", relocate: "SUBMITTED" },
  DISPATCHED: { dispatch: X, pool: X, claim: X, accept: "ACCEPTED", decline: "DISPATCHED", schedule: X, deliver: X, rate: X, cancel: "CANCELLED", reject: X, relocate: "DISPATCHED" },
  POOLED: { dispatch: X, pool: X, claim: "CLAIMED", accept: "ACCEPTED", decline: X, schedule: X, deliver: X, rate: X, cancel: "CANCELLED", reject: X, relocate: "POOLED" },
  CLAIMED: { dispatch: "DISPATCHED", pool: X, claim: X, accept: X, decline: X, schedule: X, deliver: X, rate: X, cancel: "CANCELLED", reject: X, relocate: "CLAIMED" },
  ACCEPTED: { dispatch: X, pool: X, claim: X, accept: X, decline: "ORDER_ALREADY_ACCEPTED", schedule: "SCHEDULED", deliver: "DELIVERED", rate: X, cancel: "CANCELLED", reject: X, relocate: "ACCEPTED" },
  SCHEDULED: { dispatch: X, pool: X, claim: X, accept: X, decline: "ORDER_ALREADY_ACCEPTED", schedule: "same", deliver: "DELIVERED", rate: X, cancel: "CANCELLED", reject: X, relocate: "SCHEDULED" },
  DELIVERED: { dispatch: X, pool: X, claim: X, accept: X, decline: "ORDER_ALREADY_ACCEPTED", schedule: X, deliver: "same", rate: "RATED", cancel: X, reject: X, relocate: "same" },
  RATED: { dispatch: X, pool: X, claim: X, accept: X, decline: "ORDER_ALREADY_ACCEPTED", schedule: X, deliver: "same", rate: X, cancel: X, reject: X, relocate: "same" },
  CANCELLED: { dispatch: X, pool: X, claim: X, accept: X, decline: X, schedule: X, deliver: X, rate: X, cancel: X, reject: X, relocate: "same" },
  REJECTED: { dispatch: X, pool: X, claim: X, accept: X, decline: X, schedule: X, deliver: X, rate: X, cancel: X, reject: X, relocate: "same" },
};

function apply(state: OrderState, command: OrderCommand) {
  const decision = decide(state, command, { now: t0, deadlines });
  if (!decision.ok) return { error: decision.error };
  let next = state;
  for (const event of decision.value) next = evolve(next, event, state.orderId, t0);
  return { events: decision.value, state: next };
}

describe("the order decider", () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${from} + ${name} → ${expected}`, () => {
        const state = given(...reach[from]!);
        expect(OrderStatus[state.status]).toBe(from);
        const result = apply(state, c[name as keyof typeof c]);
        if (expected === "same") {
          expect(result.events).toEqual([]);
        } else if (/^[A-Z_]+$/.test(expected) && expected in S) {
          expect(result.error?.code).toBeUndefined();
          expect(OrderStatus[result.state!.status]).toBe(expected);
          expect(result.state!.version).toBe(state.version + result.events!.length);
        } else {
          expect(result.error?.code).toBe(expected);
          expect(result.error?.zh).toBeTruthy();
          expect(result.error?.en).toBeTruthy();
        }
      });
    }
  }

  it("refuses a second team once one has accepted, with a clear answer", () => {
    const result = apply(given(c.submit, c.dispatch, c.accept), { kind: "accept", teamId: "team-b" });
    expect(result.error).toMatchObject({ code: "ORDER_ALREADY_ACCEPTED", zh: "订单已被其他队伍接单" });
  });

  it("does not let a team that declined take the same order from the pool", () => {
    const declinedThenPooled = given(c.submit, { kind: "dispatch", teamIds: ["team-a"], note: "" }, c.decline, c.pool);
    expect(OrderStatus[declinedThenPooled.status]).toBe("POOLED");
    expect(apply(declinedThenPooled, c.accept).error?.code).toBe("TEAM_ALREADY_DECLINED");
    expect(apply(declinedThenPooled, { kind: "accept", teamId: "team-b" }).error).toBeUndefined();
  });

  it("records which association claimed the order", () => {
    expect(given(c.submit, c.pool, c.claim).claimedByOrgId).toBe("sz-futian");
  });

  it("keeps the order open while another invited team can still accept", () => {
    const result = apply(given(c.submit, c.dispatch), c.decline);
    expect(result.events).toEqual([expect.objectContaining({ kind: "OrderDeclined", teamId: "team-a", stillOpen: true, reason: "时间冲突" })]);
    expect(result.state).toMatchObject({ status: S.DISPATCHED, declinedTeamIds: ["team-a"] });
  });

  it("sends the order back to the community when the last invited team declines", () => {
    const once = given(c.submit, { kind: "dispatch", teamIds: ["team-a"], note: "" });
    const result = apply(once, c.decline);
    expect(result.events?.[0]).toMatchObject({ stillOpen: false, returnedTo: OrderHolder.COMMUNITY });
    expect(result.state).toMatchObject({ status: S.SUBMITTED, invitedTeamIds: [], dueStage: OrderStage.DISPATCH });
    expect(apply(result.state!, { kind: "dispatch", teamIds: ["team-a"], note: "" }).error?.code).toBe("TEAM_DECLINED_BEFORE");
    expect(OrderStatus[apply(result.state!, { kind: "dispatch", teamIds: ["team-c"], note: "" }).state!.status]).toBe("DISPATCHED");
  });

  it("sends a pooled order back to the association when its last team declines", () => {
    const claimed = given(c.submit, c.pool, c.claim, { kind: "dispatch", teamIds: ["team-a"], note: "" });
    const result = apply(claimed, c.decline);
    expect(result.events?.[0]).toMatchObject({ returnedTo: OrderHolder.ASSOCIATION_POOL });
    expect(result.state?.status).toBe(S.CLAIMED);
  });

  it("refuses teams that were not invited, and declines without a reason", () => {
    const dispatched = given(c.submit, c.dispatch);
    expect(apply(dispatched, { kind: "accept", teamId: "team-z" }).error?.code).toBe("TEAM_NOT_INVITED");
    expect(apply(dispatched, { kind: "decline", teamId: "team-a", reason: "  " }).error?.code).toBe("REASON_REQUIRED");
    expect(apply(dispatched, { kind: "dispatch", teamIds: [], note: "" }).error?.code).toBe("ORDER_WRONG_STATUS");
    expect(apply(given(c.submit), { kind: "dispatch", teamIds: [], note: "" }).error?.code).toBe("NO_TEAMS");
  });

  it("lets only the requester rate, from 1 to 5", () => {
    const delivered = given(...reach.DELIVERED!);
    expect(apply(delivered, { ...c.rate, raterId: "someone-else" }).error?.code).toBe("NOT_REQUESTER");
    expect(apply(delivered, { ...c.rate, score: 6 }).error?.code).toBe("BAD_SCORE");
  });

  it("records the previous status of a cancelled order", () => {
    expect(apply(given(c.submit, c.dispatch), c.cancel).events?.[0]).toMatchObject({ kind: "OrderCancelled", previousStatus: S.DISPATCHED });
  });
});

describe("timers and escalation", () => {
  const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
  const at = (state: OrderState, now: Date) => {
    const decision = decide(state, { kind: "escalate" }, { now, deadlines });
    if (!decision.ok) throw decision.error;
    return { events: decision.value, state: decision.value.reduce((s, e) => evolve(s, e, s.orderId, now), state) };
  };

  it("does nothing before the deadline", () => {
    expect(at(given(c.submit), hours(23)).events).toEqual([]);
  });

  it("moves an undispatched order from the community to the association pool, then to the district association", () => {
    const first = at(given(c.submit), hours(24));
    expect(first.events).toEqual([expect.objectContaining({ kind: "OrderEscalated", stage: OrderStage.DISPATCH, from: OrderHolder.COMMUNITY, to: OrderHolder.ASSOCIATION_POOL })]);
    expect(first.state).toMatchObject({ status: S.POOLED, holder: OrderHolder.ASSOCIATION_POOL });
    const second = at(first.state, hours(48));
    expect(second.events).toEqual([expect.objectContaining({ stage: OrderStage.CLAIM, to: OrderHolder.DISTRICT_ASSOCIATION, toOrgId: "sz-futian" })]);
    expect(second.state.dueAt).toBeUndefined();
    expect(at(second.state, hours(1000)).events).toEqual([]);
  });

  it("escalates an order no team accepted in time", () => {
    const dispatched = given(c.submit, c.dispatch);
    expect(at(dispatched, hours(47)).events).toEqual([]);
    const result = at(dispatched, hours(48));
    expect(result.events[0]).toMatchObject({ stage: OrderStage.ACCEPT, from: OrderHolder.COMMUNITY, to: OrderHolder.ASSOCIATION_POOL });
    expect(result.state.invitedTeamIds).toEqual([]);
  });

  it("uses the deadlines of the order's district", () => {
    const nanshan = given({ ...c.submit, request: { ...c.submit.request, community: { ...c.submit.request.community!, districtId: "sz-nanshan" } } });
    expect(nanshan.dueAt).toEqual(hours(2));
  });

  it("never escalates an accepted, cancelled or finished order", () => {
    for (const state of [given(...reach.ACCEPTED!), given(...reach.CANCELLED!), given(...reach.DELIVERED!)]) {
      expect(at(state, hours(10_000)).events).toEqual([]);
    }
  });
});
