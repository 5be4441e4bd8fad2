import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel, BaseStatus } from "@kepu/contracts/registry/v1/events_pb";
import { baseOffers, decide, evolve, type BaseCommand, type BaseState } from "../src/domain/base.js";
import { activeBase, baseIn, events, futian, now, outcome } from "./registry-fixtures.js";

const S = BaseStatus;
const all = { hasOrganization: true, hasFunding: true, hasVenue: true, hasActivities: true, hasImpact: true };
const assessed2025: BaseState = events(decide(activeBase, { type: "assess", year: 2025, ...all }, { now })).reduce(evolve, activeBase);

const states: Record<string, BaseState | undefined> = {
  none: undefined,
  ACTIVE: activeBase,
  UNDER_REVIEW: baseIn(S.UNDER_REVIEW),
  SUSPENDED: baseIn(S.SUSPENDED),
  REVOKED: baseIn(S.REVOKED),
  "assessed in 2025": assessed2025,
};
const to = (status: BaseStatus): BaseCommand => ({ type: "changeStatus", status, reason: "年度复核" });
const commands: Record<string, BaseCommand> = {
  certify: { type: "certify", baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, certifiedOn: undefined, termYears: 3, themes: [Theme.HEALTH] },
  "→ ACTIVE": to(S.ACTIVE),
  "→ UNDER_REVIEW": to(S.UNDER_REVIEW),
  "→ SUSPENDED": to(S.SUSPENDED),
  "→ REVOKED": to(S.REVOKED),
  "assess 2025": { type: "assess", year: 2025, ...all },
};

const W = "BASE_WRONG_STATUS";
const N = "BASE_NOT_FOUND";
const table: Record<string, Record<string, string>> = {
  none: { certify: "BaseCertified", "→ ACTIVE": N, "→ UNDER_REVIEW": N, "→ SUSPENDED": N, "→ REVOKED": N, "assess 2025": N },
  ACTIVE: { certify: "ALREADY_EXISTS", "→ ACTIVE": W, "→ UNDER_REVIEW": "BaseStatusChanged", "→ SUSPENDED": "BaseStatusChanged", "→ REVOKED": "BaseStatusChanged", "assess 2025": "BaseAssessed" },
  UNDER_REVIEW: { certify: "ALREADY_EXISTS", "→ ACTIVE": "BaseStatusChanged", "→ UNDER_REVIEW": W, "→ SUSPENDED": "BaseStatusChanged", "→ REVOKED": "BaseStatusChanged", "assess 2025": "BaseAssessed" },
  SUSPENDED: { certify: "ALREADY_EXISTS", "→ ACTIVE": "BaseStatusChanged", "→ UNDER_REVIEW": "BaseStatusChanged", "→ SUSPENDED": W, "→ REVOKED": "BaseStatusChanged", "assess 2025": "BaseAssessed" },
  REVOKED: { certify: "ALREADY_EXISTS", "→ ACTIVE": W, "→ UNDER_REVIEW": W, "→ SUSPENDED": W, "→ REVOKED": W, "assess 2025": "BASE_REVOKED" },
  "assessed in 2025": { certify: "ALREADY_EXISTS", "→ ACTIVE": W, "→ UNDER_REVIEW": "BaseStatusChanged", "→ SUSPENDED": "BaseStatusChanged", "→ REVOKED": "BaseStatusChanged", "assess 2025": "ALREADY_ASSESSED" },
};

describe("the base decider", () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${from} + ${name} → ${expected}`, () => {
        const state = states[from];
        const command = commands[name]!;
        const decision = decide(state, command, { owner: futian, now });
        expect(outcome(decision)).toBe(expected);
        if (decision.ok && command.type === "changeStatus") expect(decision.value.reduce(evolve, state)?.status).toBe(command.status);
      });
    }
  }

  it("certifies ACTIVE, dated today unless told, for 3 years unless told, where its org sits", () => {
    expect(activeBase).toMatchObject({ status: S.ACTIVE, certifiedOn: now, termYears: 3, place: futian.place, assessments: {} });
    const dated = new Date("2025-01-01T00:00:00+08:00");
    const [event] = events(decide(undefined, { ...commands.certify!, certifiedOn: dated, termYears: 5 } as BaseCommand, { owner: futian, now }));
    expect(event).toMatchObject({ certifiedOn: dated, termYears: 5 });
    expect(outcome(decide(undefined, { ...commands.certify!, termYears: 6 } as BaseCommand, { owner: futian, now }))).toBe("BAD_TERM");
    expect(outcome(decide(undefined, commands.certify!, { owner: undefined, now }))).toBe("ORG_NOT_FOUND");
  });

  it("needs a reason to leave ACTIVE, and records the assessment's verdict by year", () => {
    const noReason = decide(activeBase, { type: "changeStatus", status: S.SUSPENDED, reason: "  " }, { now });
    expect(noReason.ok ? "" : noReason.error.code).toBe("REASON_REQUIRED");
    const failed = events(decide(activeBase, { type: "assess", year: 2026, ...all, hasImpact: false }, { now }));
    expect(failed[0]).toMatchObject({ type: "BaseAssessed", year: 2026, passed: false, hasImpact: false });
    expect(failed.reduce(evolve, assessed2025).assessments).toEqual({ 2025: true, 2026: false });
  });

  it("offers menu items while active or under review only", () => {
    expect([S.ACTIVE, S.UNDER_REVIEW, S.SUSPENDED, S.REVOKED].map(baseOffers)).toEqual([true, true, false, false]);
  });
});
