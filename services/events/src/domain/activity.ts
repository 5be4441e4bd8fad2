// The activity aggregate (科普活动): what may happen to it, given its state, a command and the
// facts the use case looked up. Pure: `decide` answers the events that follow, or why not (a
// Result); `evolve` folds an event into the state. Who may ask is checked by the use case first.
import { calendar as defaultCalendar, type Calendar } from "@kepu/calendar";
import { fail, ok, type Result } from "@kepu/errors";
import { activityErrors as errors } from "./errors.js";
import { mayRegister, summaryLate, type Campaign, type CampaignLevel } from "./campaign.js";
import { serviceHours } from "./rules.js";
import { allSessionsEnded, checkInOpen, hoursWithinSessionDay, sessionsAhead, type TimeRules } from "./windows.js";

export interface Place {
  orgId: string;
  path: string[];
  districtId: string;
  streetId: string;
  communityId: string;
}

export interface SessionRecord {
  sessionId: string;
  startsAt: Date;
  endsAt: Date;
  resourceId: string;
  place: string;
  capacity: number;
}

/** One volunteer's hours on one occasion of an activity. */
export interface RecordedHours {
  volunteerId: string;
  startedAt: Date;
  hours: number;
}

export type ActivityStatusName = "SCHEDULED" | "COMPLETED" | "CANCELLED";

export interface ActivityRecord {
  activityId: string;
  orderId: string;
  requesterId: string;
  title: string;
  theme: number;
  format: number;
  audience: number;
  organizerOrgId: string;
  place: Place;
  teamId: string;
  campaignId: string;
  sessions: SessionRecord[];
  priorityCommunityId: string;
  status: ActivityStatusName;
  summaryFiled: boolean;
  /** When the 图文总结 was filed, and whether after its campaign's due date. */
  summaryFiledAt?: Date;
  summaryLate?: boolean;
  /** 报备: the level it was registered to its campaign at, and when. */
  campaignLevel?: CampaignLevel;
  registeredAt?: Date;
  participants: number;
  uniqueParticipants: number;
  serviceHours: number;
  /**
   * 志愿服务时长 recorded for it, one entry per volunteer and start (a second record of the same
   * one replaces it), so completion reads them with the activity instead of searching a collection.
   * Absent on activities scheduled before it existed: theirs are in the service_hours collection.
   */
  hoursRecorded?: RecordedHours[];
  /** Why nobody is counted, when it was completed with no attendance. */
  noAttendanceReason?: string;
  startsAt: Date;
  /** The resources of the menu item behind an order's activity, reserved for each of its sessions. */
  itemResourceIds?: string[];
  /** 计学分: a student's confirmed attendance earns 科普教育学分 (domain/credits.ts). */
  forCredit?: boolean;
  version: number;
}

/** What the registry says exists, looked up by the use case for the command at hand. */
export interface References {
  /** Resources of the sessions that are in the 名录. */
  listedResources: ReadonlySet<string>;
}

export interface Attendee {
  bookingId: string;
  sessionId: string;
  residentId: string;
  status: string;
}

export type ActivityCommand =
  /** Publish (or, from an accepted order, schedule) a new activity. `history`: an admin recording the past. */
  | { kind: "schedule"; activity: ActivityRecord; references: References; history: boolean }
  | { kind: "checkIn"; attendee: Attendee; method: "qr" | "staff" }
  | { kind: "recordHours"; volunteerId: string; teamId: string; content: string; startedAt: Date; endedAt: Date; confirmedBy: string; isMember: boolean }
  | { kind: "fileSummary"; textLength: number; photoCount: number }
  /** 报备 to `campaign` (looked up by the use case) at a level. */
  | { kind: "registerToCampaign"; campaign: Campaign; level: number; by: string }
  | { kind: "complete"; attendees: readonly Attendee[]; walkIns: number; noAttendanceReason: string; volunteerHours: readonly { volunteerId: string; hours: number }[] }
  | { kind: "rate"; raterId: string; score: number; comment: string; attended: boolean }
  | { kind: "cancel"; reason: string };

export type ActivityEvent =
  | { kind: "ActivityScheduled"; activity: ActivityRecord }
  | { kind: "AttendeeCheckedIn"; sessionId: string; bookingId: string; residentId: string; method: string }
  | { kind: "ServiceHoursRecorded"; volunteerId: string; teamId: string; serviceContent: string; place: string; startedAt: Date; endedAt: Date; hours: number; confirmedBy: string }
  | { kind: "SummaryFiled"; textLength: number; photoCount: number; late: boolean; filedAt: Date; campaignId: string }
  | { kind: "ActivityRegisteredToCampaign"; campaignId: string; level: CampaignLevel; registeredAt: Date; registeredBy: string }
  | { kind: "ActivityCompleted"; participants: number; uniqueParticipants: number; serviceHours: number; volunteers: number; noAttendanceReason: string }
  | { kind: "ActivityRated"; raterId: string; score: number; byRequester: boolean; comment: string }
  | { kind: "ActivityCancelled"; reason: string };

export interface ActivityContext {
  now: Date;
  rules: TimeRules;
  calendar?: Calendar;
  /** The campaign the activity names (its campaignId), as the store has it; undefined when it names none or an unknown one. */
  campaign?: Campaign;
}

type Decision = Result<ActivityEvent[]>;

const none: Decision = ok([]);

export function decideActivity(state: ActivityRecord | undefined, command: ActivityCommand, context: ActivityContext): Decision {
  if (command.kind === "schedule") return state ? none : schedule(command, context); // the same activity again: nothing new
  if (!state) return fail(errors.notFound(""));
  const { now } = context;
  switch (command.kind) {
    case "checkIn": {
      if (state.status !== "SCHEDULED") return fail(errors.notOpen());
      const session = state.sessions.find((s) => s.sessionId === command.attendee.sessionId);
      if (!session) return fail(errors.sessionNotFound(command.attendee.sessionId));
      const open = checkInOpen(session, now, context.rules);
      if (!open.ok) return open;
      const { sessionId, bookingId, residentId } = command.attendee;
      return ok([{ kind: "AttendeeCheckedIn", sessionId, bookingId, residentId, method: command.method }]);
    }
    case "recordHours": {
      if (state.status === "CANCELLED") return fail(errors.notOpen());
      const teamId = state.teamId || command.teamId;
      if (!teamId) return fail(errors.teamRequired());
      if (command.teamId && command.teamId !== teamId) return fail(errors.wrongTeam(teamId));
      if (!command.isMember) return fail(errors.volunteerNotInTeam(command.volunteerId, teamId));
      const within = hoursWithinSessionDay(state.sessions, command.startedAt, command.endedAt, now, context.calendar ?? defaultCalendar);
      if (!within.ok) return within;
      const { volunteerId, content, startedAt, endedAt, confirmedBy } = command;
      return ok([{ kind: "ServiceHoursRecorded", volunteerId, teamId, serviceContent: content, place: state.place.orgId, startedAt, endedAt, hours: serviceHours(startedAt, endedAt), confirmedBy }]);
    }
    case "fileSummary": {
      if (state.status === "CANCELLED") return fail(errors.notOpen());
      // On time or late against the campaign's due date (24:00 Beijing), decided now and kept for good.
      const campaign = state.campaignId && context.campaign?.id === state.campaignId ? context.campaign : undefined;
      return ok([{ kind: "SummaryFiled", textLength: command.textLength, photoCount: command.photoCount, late: summaryLate(campaign, now), filedAt: now, campaignId: campaign?.id ?? "" }]);
    }
    case "registerToCampaign": {
      if (state.status !== "SCHEDULED") return fail(errors.notOpen());
      const { campaign } = command;
      if (state.campaignId && state.campaignId !== campaign.id && state.campaignLevel) return fail(errors.registeredElsewhere(state.campaignId));
      const level = mayRegister(campaign, command.level, state.startsAt, now, context.calendar ?? defaultCalendar);
      if (!level.ok) return level;
      if (state.campaignId === campaign.id && state.campaignLevel === level.value) return none; // the same 报备 again
      return ok([{ kind: "ActivityRegisteredToCampaign", campaignId: campaign.id, level: level.value, registeredAt: now, registeredBy: command.by }]);
    }
    case "complete":
      return complete(state, command, now);
    case "rate": {
      const byRequester = state.requesterId !== "" && state.requesterId === command.raterId;
      if (!command.attended && !byRequester) return fail(errors.cannotRate());
      return ok([{ kind: "ActivityRated", raterId: command.raterId, score: command.score, byRequester, comment: command.comment }]);
    }
    case "cancel":
      return state.status === "SCHEDULED" ? ok([{ kind: "ActivityCancelled", reason: command.reason }]) : none;
  }
}

function schedule(command: Extract<ActivityCommand, { kind: "schedule" }>, context: ActivityContext): Decision {
  const { activity, references } = command;
  if (activity.campaignId && context.campaign?.id !== activity.campaignId) return fail(errors.campaignNotFound(activity.campaignId));
  const unlisted = activity.sessions.find((s) => s.resourceId && !references.listedResources.has(s.resourceId));
  if (unlisted) return fail(errors.resourceNotListed(unlisted.resourceId));
  const ahead = sessionsAhead(activity.sessions, context.now, command.history);
  if (!ahead.ok) return ahead;
  return ok([{ kind: "ActivityScheduled", activity }]);
}

/** Attendance and the summary complete the activity, once it has been held. */
function complete(state: ActivityRecord, command: Extract<ActivityCommand, { kind: "complete" }>, now: Date): Decision {
  if (state.status === "COMPLETED") return none;
  if (state.status !== "SCHEDULED") return fail(errors.notOpen());
  const held = allSessionsEnded(state.sessions, now);
  if (!held.ok) return held;
  if (!state.summaryFiled) return fail(errors.summaryMissing());
  const attended = command.attendees.filter((a) => a.status === "CHECKED_IN");
  const participants = attended.length + command.walkIns;
  const reason = command.noAttendanceReason.trim();
  if (participants === 0 && !reason) return fail(errors.nobodyAttended());
  return ok([
    {
      kind: "ActivityCompleted",
      participants,
      uniqueParticipants: new Set(attended.map((a) => a.residentId)).size + command.walkIns,
      serviceHours: command.volunteerHours.reduce((sum, v) => sum + v.hours, 0),
      volunteers: new Set(command.volunteerHours.map((v) => v.volunteerId)).size,
      noAttendanceReason: participants === 0 ? reason : "",
    },
  ]);
}

export function evolveActivity(state: ActivityRecord, event: ActivityEvent): ActivityRecord {
  switch (event.kind) {
    case "ActivityScheduled":
      return event.activity;
    case "ServiceHoursRecorded": {
      if (!state.hoursRecorded) return { ...state, serviceHours: state.serviceHours + event.hours };
      const hoursRecorded = withHours(state.hoursRecorded, { volunteerId: event.volunteerId, startedAt: event.startedAt, hours: event.hours });
      return { ...state, hoursRecorded, serviceHours: hoursRecorded.reduce((sum, entry) => sum + entry.hours, 0) };
    }
    case "SummaryFiled":
      return { ...state, summaryFiled: true, summaryFiledAt: event.filedAt, summaryLate: event.late };
    case "ActivityRegisteredToCampaign":
      return { ...state, campaignId: event.campaignId, campaignLevel: event.level, registeredAt: event.registeredAt };
    case "ActivityCompleted":
      return { ...state, status: "COMPLETED", participants: event.participants, uniqueParticipants: event.uniqueParticipants, serviceHours: event.serviceHours, noAttendanceReason: event.noAttendanceReason };
    case "ActivityCancelled":
      return { ...state, status: "CANCELLED" };
    case "AttendeeCheckedIn":
    case "ActivityRated":
      return state;
  }
}

/** The entries with `entry` in place of the same volunteer's record of the same start, if any. */
function withHours(entries: readonly RecordedHours[], entry: RecordedHours): RecordedHours[] {
  const same = (other: RecordedHours) => other.volunteerId === entry.volunteerId && other.startedAt.getTime() === entry.startedAt.getTime();
  return [...entries.filter((other) => !same(other)), entry];
}
