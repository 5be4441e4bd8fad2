import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { newEvent, type EventEnvelope } from "@kepu/bus";
import {
  ActivityCancelledSchema,
  ActivityCompletedSchema,
  ActivityRatedSchema,
  ActivityRegisteredToCampaignSchema,
  ActivityScheduledSchema,
  AttendeeCheckedInSchema,
  ServiceHoursRecordedSchema,
  SummaryFiledSchema,
} from "@kepu/contracts/events/v1/events_pb";
import type { ActivityEvent, ActivityRecord } from "../domain/activity.js";

type Meta = Parameters<typeof newEvent>[2];

/** The one mapping from the activity decider's events to the contract's messages. */
export function activityEnvelope(activity: ActivityRecord, event: ActivityEvent, meta: Meta): EventEnvelope {
  const activityId = activity.activityId;
  switch (event.kind) {
    case "ActivityScheduled":
      return newEvent(ActivityScheduledSchema, scheduledPayload(event.activity), meta);
    case "AttendeeCheckedIn":
      return newEvent(AttendeeCheckedInSchema, { activityId, sessionId: event.sessionId, bookingId: event.bookingId, residentId: event.residentId, method: event.method }, meta);
    case "ServiceHoursRecorded": {
      const { kind: _k, startedAt, endedAt, ...rest } = event;
      return newEvent(ServiceHoursRecordedSchema, { activityId, ...rest, startedAt: timestampFromDate(startedAt), endedAt: timestampFromDate(endedAt) }, meta);
    }
    case "SummaryFiled":
      return newEvent(SummaryFiledSchema, { activityId, textLength: event.textLength, photoCount: event.photoCount, late: event.late, campaignId: event.campaignId, filedAt: timestampFromDate(event.filedAt) }, meta);
    case "ActivityRegisteredToCampaign": // 报备
      return newEvent(ActivityRegisteredToCampaignSchema, { activityId, campaignId: event.campaignId, level: event.level, registeredAt: timestampFromDate(event.registeredAt), registeredBy: event.registeredBy }, meta);
    case "ActivityCompleted": {
      const { kind: _k, ...rest } = event;
      return newEvent(ActivityCompletedSchema, { activityId, orderId: activity.orderId, ...rest }, meta);
    }
    case "ActivityRated": {
      const { kind: _k, ...rest } = event;
      return newEvent(ActivityRatedSchema, { activityId, ...rest }, meta);
    }
    case "ActivityCancelled":
      return newEvent(ActivityCancelledSchema, { activityId, reason: event.reason }, meta);
  }
}

function scheduledPayload(a: ActivityRecord): MessageInitShape<typeof ActivityScheduledSchema> {
  return {
    activityId: a.activityId,
    orderId: a.orderId,
    title: a.title,
    theme: a.theme,
    format: a.format,
    audience: a.audience,
    organizerOrgId: a.organizerOrgId,
    place: a.place,
    teamId: a.teamId,
    campaignId: a.campaignId,
    priorityCommunityId: a.priorityCommunityId,
    forCredit: a.forCredit === true,
    sessions: a.sessions.map((s) => ({ sessionId: s.sessionId, startsAt: timestampFromDate(s.startsAt), endsAt: timestampFromDate(s.endsAt), resourceId: s.resourceId, place: s.place, capacity: s.capacity })),
  };
}
