// What the campaign roll-up needs from the events service's events, beside the activity facts
// the projector keeps: the 报备 (campaign and level) and the 图文总结's on-time or late flag.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Message } from "@bufbuild/protobuf";
import type * as events from "@kepu/contracts/events/v1/events_pb";

type ActivityChange = { kind: "activities"; id: string; update: Record<string, unknown> };

/** Hours held: the sessions' length, added up (ActivityScheduled). */
export const sessionHours = (sessions: events.Session[]) =>
  Math.round(sessions.reduce((sum, s) => sum + (s.startsAt && s.endsAt ? (timestampDate(s.endsAt).getTime() - timestampDate(s.startsAt).getTime()) / 3_600_000 : 0), 0) * 100) / 100;

/** The change a campaign event makes to its activity's facts, or undefined for any other event. */
export function campaignFactChange(name: string, payload: Message, at: Date): ActivityChange | undefined {
  switch (name) {
    case "ActivityRegisteredToCampaign": {
      const { activityId, campaignId, level } = payload as events.ActivityRegisteredToCampaign;
      return { kind: "activities", id: activityId, update: { $set: { campaignId, campaignLevel: level } } };
    }
    case "SummaryFiled": {
      const { activityId, late, filedAt } = payload as events.SummaryFiled;
      return { kind: "activities", id: activityId, update: { $set: { summaryFiled: true, summaryLate: late, summaryFiledAt: filedAt ? timestampDate(filedAt) : at } } };
    }
    default:
      return undefined;
  }
}
