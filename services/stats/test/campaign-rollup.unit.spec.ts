import { describe, expect, it } from "vitest";
import { campaignRollup, rollupLines, type CampaignActivityFact } from "../src/domain/campaign-rollup.js";
import { campaignFactChange, sessionHours } from "../src/messaging/campaign-facts.js";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import { SessionSchema, SummaryFiledSchema, ActivityRegisteredToCampaignSchema } from "@kepu/contracts/events/v1/events_pb";

const activity = (id: string, changes: Partial<CampaignActivityFact>): CampaignActivityFact => ({
  activityId: id, title: `活动 ${id}`, organizerOrgId: "c1", campaignId: "cmp-1", campaignLevel: 2, theme: 5, audience: 6, format: 1,
  path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1", sessions: 1, status: "COMPLETED",
  participants: 0, residents: [], hours: 2, serviceHours: 0, summaryFiled: true, summaryLate: false, ...changes,
});
const names = new Map([["c1", "红荔社区"], ["c2", "园岭社区"], ["d1", "福田区科协"]]);

describe("a campaign's roll-up", () => {
  // Four activities of cmp-1 (one cancelled, left out), one of another campaign.
  const facts = [
    activity("a1", { campaignLevel: 1, organizerOrgId: "d1", theme: 5, format: 1, participants: 3, residents: ["r1", "r2"], hours: 2, serviceHours: 4 }), // r1, r2 + 1 walk-in
    activity("a2", { campaignLevel: 2, theme: 3, format: 2, participants: 2, residents: ["r1", "r3"], hours: 1.5, serviceHours: 1.5 }),
    activity("a3", { campaignLevel: 2, organizerOrgId: "c2", theme: 5, format: 2, participants: 1, residents: ["r2"], hours: 2, summaryLate: true, summaryFiledAt: new Date("2027-09-29T02:00:00Z") }),
    activity("a4", { campaignLevel: 4, status: "SCHEDULED", residents: ["r4"], hours: 3, summaryFiled: false }), // checked in, not completed yet
    activity("a5", { status: "CANCELLED", participants: 50, residents: ["r9"] }),
    activity("b1", { campaignId: "cmp-2", participants: 9 }),
  ];
  const rollup = campaignRollup("cmp-1", facts, names);

  it("counts the campaign's activities, 人次, distinct people and hours, cancelled ones left out", () => {
    expect(rollup).toMatchObject({ campaignId: "cmp-1", activities: 4, participants: 7, uniqueParticipants: 5, hours: 8.5, serviceHours: 5.5 });
  });

  it("rates the summaries on time against every activity, and names the late filers", () => {
    expect(rollup).toMatchObject({ summariesOnTime: 2, summariesLate: 1, summariesMissing: 1, onTimeRate: 0.5 });
    expect(rollup.lateFilers).toEqual([{ activityId: "a3", title: "活动 a3", organizerOrgId: "c2", organizerName: "园岭社区", filedAt: new Date("2027-09-29T02:00:00Z") }]);
  });

  it("breaks the figures down by level, theme and format, with names", () => {
    expect(rollup.byLevel.map((r) => [r.key, r.name, r.activities, r.participants, r.uniqueParticipants, r.hours])).toEqual([
      ["MAIN", "主场活动", 1, 3, 3, 2],
      ["BRANCH", "分会场活动", 2, 3, 3, 3.5],
      ["JOINT", "联合行动", 1, 1, 1, 3],
    ]);
    expect(rollup.byTheme.map((r) => [r.name, r.activities])).toEqual([["智慧生活/数字素养", 1], ["卫生健康/健康养生", 3]]);
    expect(rollup.byFormat.map((r) => [r.name, r.activities, r.participants])).toEqual([["专家讲座", 2, 4], ["互动体验", 2, 3]]);
  });

  it("is all zero for a campaign with nothing registered", () => {
    expect(campaignRollup("cmp-none", facts, names)).toMatchObject({ activities: 0, onTimeRate: 0, byLevel: [], lateFilers: [] });
  });

  it("writes the export's lines: the total with the on-time rate, each group, each late filer", () => {
    const lines = rollupLines(rollup, "2027年科普月");
    expect(lines[0]).toMatchObject({ section: "合计", name: "2027年科普月", activities: 4, participants: 7, uniqueParticipants: 5, note: "图文总结按时率 50%（按时 2，迟交 1，未交 1）" });
    expect(lines.map((l) => l.section)).toEqual(["合计", "级别", "级别", "级别", "主题", "主题", "形式", "形式", "迟交图文总结"]);
    expect(lines.at(-1)).toMatchObject({ name: "园岭社区", activities: "活动 a3" });
  });
});

describe("campaign facts from the events", () => {
  const at = new Date("2027-09-20T02:00:00Z");
  it("keeps the 报备's campaign and level, and the summary's flag and time", () => {
    expect(campaignFactChange("ActivityRegisteredToCampaign", create(ActivityRegisteredToCampaignSchema, { activityId: "a1", campaignId: "cmp-1", level: 3 }), at)).toEqual({ kind: "activities", id: "a1", update: { $set: { campaignId: "cmp-1", campaignLevel: 3 } } });
    const filedAt = new Date("2027-09-29T00:30:00+08:00");
    expect(campaignFactChange("SummaryFiled", create(SummaryFiledSchema, { activityId: "a1", late: true, filedAt: timestampFromDate(filedAt) }), at)).toEqual({ kind: "activities", id: "a1", update: { $set: { summaryFiled: true, summaryLate: true, summaryFiledAt: filedAt } } });
    expect(campaignFactChange("ActivityRated", create(SummaryFiledSchema, {}), at)).toBeUndefined();
  });

  it("adds up the hours the sessions hold", () => {
    const session = (from: string, to: string) => create(SessionSchema, { startsAt: timestampFromDate(new Date(from)), endsAt: timestampFromDate(new Date(to)) });
    expect(sessionHours([session("2027-09-05T01:00:00Z", "2027-09-05T03:00:00Z"), session("2027-09-06T01:00:00Z", "2027-09-06T02:30:00Z")])).toBe(3.5);
  });
});
