// Residents' ratings of activities (ActivityRated, 1–5) in the figures: each rating event adds
// one to its activity's count and its score to the sum; a slice's figures average them (what the
// 科普基地 assessment's 有影响 reads for the base's org and year).
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ActivityRatedSchema } from "@kepu/contracts/events/v1/events_pb";
import { computeFigures, ratingsOf, type ActivityFact } from "../src/domain/figures.js";
import { themeName } from "../src/domain/labels.js";
import { factChange } from "../src/messaging/projector.js";

const at = new Date("2026-03-01T10:00:00+08:00");
const activity = (activityId: string, extra: Partial<ActivityFact>): ActivityFact => ({
  activityId, theme: 3, audience: 2, format: 1, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], districtId: "sz-futian", streetId: "sz-futian-s1", communityId: "sz-futian-s1-c1", campaignId: "", startsAt: at, sessions: 1, status: "COMPLETED", participants: 10, residents: [], serviceHours: 0, ...extra,
});

describe("ratings in the figures", () => {
  it("projects each ActivityRated as one more rating of its activity, with its score", () => {
    const rated = create(ActivityRatedSchema, { activityId: "a1", raterId: "r1", score: 4, byRequester: false, comment: "讲得好" });
    expect(factChange("kepu.events.v1.ActivityRated", rated, at)).toEqual({ kind: "activities", id: "a1", update: { $inc: { ratings: 1, ratingSum: 4 } } });
  });

  const table: [name: string, activities: ActivityFact[], ratings: number, average: number][] = [
    ["none rated", [activity("a1", {})], 0, 0],
    ["one activity, three ratings", [activity("a1", { ratings: 3, ratingSum: 14 })], 3, 4.67],
    ["two activities pooled, not averaged per activity", [activity("a1", { ratings: 1, ratingSum: 1 }), activity("a2", { ratings: 3, ratingSum: 15 })], 4, 4],
    ["facts stored before ratings were counted", [activity("a1", { ratings: undefined, ratingSum: undefined }), activity("a2", { ratings: 2, ratingSum: 9 })], 2, 4.5],
  ];
  for (const [name, activities, ratings, averageRating] of table) {
    it(`${name}: ${ratings} ratings averaging ${averageRating}`, () => {
      expect(ratingsOf(activities)).toEqual({ ratings, averageRating });
    });
  }

  it("counts the ratings of the slice's activities only: its org and time, a cancelled one left out", () => {
    const facts = {
      orders: [],
      menu: [],
      communities: [],
      activities: [
        activity("a1", { ratings: 2, ratingSum: 10 }),
        activity("a2", { ratings: 2, ratingSum: 6 }),
        activity("a3", { ratings: 5, ratingSum: 5, status: "CANCELLED" }),
        activity("a4", { ratings: 4, ratingSum: 4, path: ["sz", "sz-nanshan"] }),
        activity("a5", { ratings: 4, ratingSum: 4, startsAt: new Date("2025-12-31T10:00:00+08:00") }),
      ],
    };
    const year = { orgId: "sz-futian", theme: 0, audience: 0, format: 0, campaignId: "", from: new Date("2026-01-01T00:00:00+08:00"), to: new Date("2027-01-01T00:00:00+08:00") };
    expect(computeFigures(facts, year, themeName)).toMatchObject({ activities: 2, ratings: 4, averageRating: 4 });
  });
});
