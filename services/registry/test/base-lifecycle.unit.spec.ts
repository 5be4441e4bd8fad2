import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { AssessmentCriterion as C, AssessmentResult as R, BaseLevel, BaseStatus as S } from "@kepu/contracts/registry/v1/events_pb";
import { decide, evolve, type BaseCommand, type BaseState } from "../src/domain/base.js";
import {
  activitiesScore,
  assessmentResult,
  beijingDay,
  certificateNumber,
  checkScores,
  expiring,
  impactEvidence,
  impactScore,
  overdue,
  participantsScore,
  prefill,
  reviewerFits,
  term,
  type CriterionScore,
} from "../src/domain/base-rules.js";
import { events, futian, now, outcome } from "./registry-fixtures.js";

const apply: BaseCommand = { type: "apply", baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, themes: [Theme.HEALTH], offers: "展厅、科普课程" };
const run = (state: BaseState | undefined, command: BaseCommand, at = now) => events(decide(state, command, { owner: futian, now: at })).reduce(evolve, state);
const applied = run(undefined, apply)!;
const rejected = run(applied, { type: "reviewApplication", approve: false, reason: "场馆面积不足" })!;
const certified = run(applied, { type: "reviewApplication", approve: true, certificateNumber: "深科普基地〔2026〕012" })!;
const revoked = run(certified, { type: "revoke", reason: "连续两年考核不合格" })!;
const scores = (values: number[]): CriterionScore[] => [C.ORGANIZATION, C.FUNDING, C.VENUE, C.ACTIVITIES, C.IMPACT].map((criterion, i) => ({ criterion, score: values[i]!, evidence: "年度台账", prefilled: -1 }));
const good = scores([80, 80, 80, 90, 75]);

const states: Record<string, BaseState | undefined> = { none: undefined, APPLIED: applied, REJECTED: rejected, CERTIFIED: certified, REVOKED: revoked };
const commands: Record<string, BaseCommand> = {
  apply,
  approve: { type: "reviewApplication", approve: true, certificateNumber: "深科普基地〔2026〕013" },
  reject: { type: "reviewApplication", approve: false, reason: "材料不全" },
  "score 2026": { type: "score", year: 2026, scores: good },
  renew: { type: "renew" },
  revoke: { type: "revoke", reason: "违规收费" },
};
const X = "ALREADY_EXISTS";
const NC = "BASE_NOT_CERTIFIED";
const NA = "BASE_NOT_APPLIED";
const table: Record<string, Record<string, string>> = {
  none: { apply: "BaseApplied", approve: "BASE_NOT_FOUND", reject: "BASE_NOT_FOUND", "score 2026": "BASE_NOT_FOUND", renew: "BASE_NOT_FOUND", revoke: "BASE_NOT_FOUND" },
  APPLIED: { apply: X, approve: "BaseCertified", reject: "BaseApplicationRejected", "score 2026": NC, renew: NC, revoke: NC },
  REJECTED: { apply: "BaseApplied", approve: NA, reject: NA, "score 2026": NC, renew: NC, revoke: NC },
  CERTIFIED: { apply: X, approve: NA, reject: NA, "score 2026": "BaseAssessed", renew: "RENEWAL_TOO_EARLY", revoke: "BaseRevoked" },
  REVOKED: { apply: X, approve: NA, reject: NA, "score 2026": "BASE_REVOKED", renew: "BASE_REVOKED", revoke: "BASE_WRONG_STATUS" },
};

describe("a base's application → review → certification → assessment → renewal or revocation", () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${from} + ${name} → ${expected}`, () => {
        expect(outcome(decide(states[from], commands[name]!, { owner: futian, now }))).toBe(expected);
      });
    }
  }

  it("certifies from the application: numbered, active, a 5-year term from today (Beijing)", () => {
    expect(applied).toMatchObject({ status: S.APPLIED, offers: "展厅、科普课程", place: futian.place });
    expect(rejected).toMatchObject({ status: S.REJECTED, reason: "场馆面积不足" });
    expect(certified).toMatchObject({ status: S.ACTIVE, certificateNumber: "深科普基地〔2026〕012", termYears: 5, offers: "展厅、科普课程" });
    expect(certified.termStart).toEqual(new Date("2026-09-01T00:00:00+08:00"));
    expect(certified.termEnd).toEqual(new Date("2031-08-31T00:00:00+08:00"));
    expect(outcome(decide(applied, { type: "reviewApplication", approve: false, reason: " " }, { now }))).toBe("REASON_REQUIRED");
    expect(outcome(decide(certified, { type: "revoke", reason: "" }, { now }))).toBe("REASON_REQUIRED");
    expect(revoked).toMatchObject({ status: S.REVOKED, reason: "连续两年考核不合格" });
  });

  it("scores the five criteria into a result, once a year", () => {
    const scored = run(certified, { type: "score", year: 2026, scores: good })!;
    expect(scored.scored[2026]).toMatchObject({ result: R.QUALIFIED, total: 81 });
    expect(scored.assessments[2026]).toBe(true);
    expect(outcome(decide(scored, { type: "score", year: 2026, scores: good }, { now }))).toBe("ALREADY_ASSESSED");
    const failed = events(decide(certified, { type: "score", year: 2026, scores: scores([90, 90, 90, 90, 50]) }, { now }))[0];
    expect(failed).toMatchObject({ passed: false, result: R.UNQUALIFIED, hasImpact: false, hasVenue: true });
    expect(outcome(decide(certified, { type: "score", year: 2026, scores: good.slice(1) }, { now }))).toBe("BAD_SCORE");
  });

  it("renews within 180 days of the term's end, for 5 years from the day after; not after an unqualified last year", () => {
    const late = new Date("2031-06-01T10:00:00+08:00");
    const renewed = run(certified, { type: "renew" }, late)!;
    expect(renewed.termStart).toEqual(new Date("2031-09-01T00:00:00+08:00"));
    expect(renewed.termEnd).toEqual(new Date("2036-08-31T00:00:00+08:00"));
    const failed2030 = run(certified, { type: "score", year: 2030, scores: scores([50, 90, 90, 90, 90]) })!;
    expect(outcome(decide(failed2030, { type: "renew" }, { now: late }))).toBe("LAST_ASSESSMENT_FAILED");
  });
});

describe("the base rules", () => {
  it("numbers certificates by level, year and sequence", () => {
    expect(certificateNumber(BaseLevel.CITY, 2026, 12)).toBe("深科普基地〔2026〕012");
    expect(certificateNumber(BaseLevel.DEMONSTRATION_SITE, 2027, 1)).toBe("科普示范点〔2027〕001");
  });

  it("terms run on Beijing dates (a UTC evening is already the next Beijing day)", () => {
    expect(beijingDay(new Date("2026-01-31T17:00:00Z"))).toEqual(new Date("2026-02-01T00:00:00+08:00"));
    expect(term(new Date("2028-02-29T09:00:00+08:00")).termEnd).toEqual(new Date("2033-02-28T00:00:00+08:00"));
  });

  it("pre-fills 有活动 from held activities and 有影响 from participants", () => {
    expect([0, 1, 4, 6, 9, 10, 12, 30].map(activitiesScore)).toEqual([0, 40, 60, 75, 75, 90, 100, 100]);
    expect([0, 50, 100, 200, 500, 1000].map(participantsScore)).toEqual([0, 40, 60, 75, 90, 100]);
    const draft = prefill({ activities: 10, participants: 320, ratings: 0, averageRating: 0 });
    expect(draft.find((s) => s.criterion === C.ACTIVITIES)).toMatchObject({ score: 90, prefilled: 90, evidence: "全年开展活动 10 场" });
    expect(draft.find((s) => s.criterion === C.IMPACT)).toMatchObject({ score: 75, prefilled: 75, evidence: "全年参与 320 人次，暂无评分" });
    expect(draft.find((s) => s.criterion === C.FUNDING)).toMatchObject({ score: 0, prefilled: -1 });
  });

  // 有影响 = the participants' score alone under 3 ratings; else 70% of it + 30% of the average rating (5 → 100).
  const impactTable: [participants: number, ratings: number, average: number, score: number, evidence: string][] = [
    [0, 0, 0, 0, "全年参与 0 人次，暂无评分"],
    [120, 0, 0, 60, "全年参与 120 人次，暂无评分"],
    [120, 2, 5, 60, "全年参与 120 人次，平均评分 5.0（2 条），不足 3 条未计入"],
    [120, 3, 5, 72, "全年参与 120 人次，平均评分 5.0（3 条）"],
    [120, 25, 4.6, 70, "全年参与 120 人次，平均评分 4.6（25 条）"],
    [120, 10, 1, 48, "全年参与 120 人次，平均评分 1.0（10 条）"],
    [1000, 40, 5, 100, "全年参与 1000 人次，平均评分 5.0（40 条）"],
    [1000, 40, 2.5, 85, "全年参与 1000 人次，平均评分 2.5（40 条）"],
    [0, 5, 4, 24, "全年参与 0 人次，平均评分 4.0（5 条）"],
    [500, 4, 7, 93, "全年参与 500 人次，平均评分 7.0（4 条）"], // an average beyond 5 counts as 5
  ];
  for (const [participants, ratings, averageRating, score, evidence] of impactTable) {
    it(`有影响: ${participants} 人次, ${ratings} ratings averaging ${averageRating} → ${score}`, () => {
      expect(impactScore({ participants, ratings, averageRating })).toBe(score);
      expect(impactEvidence({ participants, ratings, averageRating })).toBe(evidence);
      const draft = prefill({ activities: 0, participants, ratings, averageRating });
      expect(draft.find((s) => s.criterion === C.IMPACT)).toMatchObject({ score, prefilled: score, evidence });
    });
  }

  it("grades 优秀 / 合格 / 不合格", () => {
    expect(assessmentResult(scores([95, 90, 90, 92, 85]))).toBe(R.EXCELLENT);
    expect(assessmentResult(scores([95, 90, 90, 92, 79]))).toBe(R.QUALIFIED);
    expect(assessmentResult(scores([60, 60, 60, 60, 60]))).toBe(R.QUALIFIED);
    expect(assessmentResult(scores([100, 100, 100, 100, 59]))).toBe(R.UNQUALIFIED);
    expect(checkScores(scores([101, 0, 0, 0, 0])).ok).toBe(false);
    expect(checkScores(scores([1, 2, 3, 4, 5]).map((s) => ({ ...s, evidence: "" }))).ok).toBe(false);
  });

  it("lists expiring terms and overdue assessments", () => {
    const base = { offering: true, termStart: new Date("2024-03-01T00:00:00+08:00"), termEnd: new Date("2026-10-15T00:00:00+08:00"), assessedYears: [2024] };
    expect(expiring(base, now, 60)).toBe(true);
    expect(expiring(base, now, 30)).toBe(false);
    expect(expiring({ ...base, offering: false }, now, 60)).toBe(false);
    expect(overdue(base, now)).toBe(true); // 2025 not assessed
    expect(overdue({ ...base, assessedYears: [2024, 2025] }, now)).toBe(false);
    expect(overdue({ ...base, termStart: new Date("2026-02-01T00:00:00+08:00") }, now)).toBe(false); // certified this year
  });

  it("applications are reviewed by the association of their level", () => {
    expect(reviewerFits(BaseLevel.CITY, "city")).toBe(true);
    expect(reviewerFits(BaseLevel.CITY, "district")).toBe(false);
    expect(reviewerFits(BaseLevel.DISTRICT, "district")).toBe(true);
    expect(reviewerFits(BaseLevel.DEMONSTRATION_SITE, "other")).toBe(false);
  });
});
