// The use cases of the events service: activities, booking, check-in, hours, summary, completion.
// Each one checks who may ask (@kepu/access), looks up what the rule needs, asks the aggregate's
// pure decider (domain/activity.ts, domain/booking.ts) and stores its answer with its events.
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { v7 as uuidv7 } from "uuid";
import { calendar } from "@kepu/calendar";
import { newEvent, type EventEnvelope } from "@kepu/bus";
import { can, requireAccess } from "@kepu/access";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import type { OrderAccepted } from "@kepu/contracts/dispatch/v1/events_pb";
import { BookingCancelledSchema, BookingMadeSchema, BookingPromotedSchema, OrderSchedulingConflictedSchema } from "@kepu/contracts/events/v1/events_pb";
import { isKepuError, kepuError, type KepuError, type Result } from "@kepu/errors";
import { serializedWrite } from "@kepu/mongo";
import type { OutboxRelay } from "@kepu/outbox";
import { activityFacts, bookingFacts } from "./domain/access.js";
import { monthOf, monthsSpanned, type Reservation } from "./domain/calendar.js";
import { decideActivity, evolveActivity, type ActivityCommand, type ActivityContext, type ActivityEvent } from "./domain/activity.js";
import { attendeeOf, decideBook, decideBooking, type BookingContext } from "./domain/booking.js";
import { activityErrors as errors } from "./domain/errors.js";
import { campaignOf, type Campaign } from "./domain/campaign.js";
import { knownSeats } from "./domain/known-seats.js";
import { sessionHolds } from "./domain/seat-holds.js";
import { checkInToken, overlaps, serviceHours, verifyCheckInToken } from "./domain/rules.js";
import type { TimeRules } from "./domain/windows.js";
import { activityEnvelope } from "./messaging/activity-events.js";
import type { ActivityRecord, ActivityStore, BookingRecord, SessionRecord } from "./store/activity-store.js";
import type { CalendarStore } from "./store/calendar-store.js";
import type { CampaignStore } from "./store/campaign-store.js";
import type { MenuItemFacts, RegistryStore } from "./store/registry-store.js";
import type { SeatLedger } from "./store/seat-ledger.js";

export interface Cause {
  correlationId: string;
  causationId?: string;
}

export interface BookingRules extends TimeRules {
  cancelCutoffHours: number;
  waitlistMax: number;
  perPersonMax: number;
  /** Share of seats kept for the community that ordered the activity, and for how long before it starts. */
  priorityShare: number;
  priorityHoursBeforeStart: number;
  checkInSecret: string;
}

/** The decider's answer, or its error thrown for the edge to translate. */
const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

/** Only the platform's admins record activities that were held before they were entered (importing history, e.g. the demo's 科普月). */
const recordsHistory = (actor: Actor | undefined) => actor?.role === Role.ADMIN;

type ScheduleCommand = Extract<ActivityCommand, { kind: "schedule" }>;

/** An order's activity runs its menu item's duration; a free topic (or an item not heard of) 2 hours. */
const minutesOf = (item: MenuItemFacts | undefined) => (item && item.durationMinutes > 0 ? item.durationMinutes : 120);

/** What each resource's calendar should hold for an activity: its sessions' resources, and every resource of the menu item behind it. */
function reservationsOf(activity: ActivityRecord): Map<string, Reservation[]> {
  const byResource = new Map<string, Reservation[]>();
  for (const session of activity.sessions) {
    for (const resourceId of new Set([session.resourceId, ...(activity.itemResourceIds ?? [])].filter(Boolean))) {
      const list = byResource.get(resourceId) ?? [];
      list.push({ sessionId: session.sessionId, activityId: activity.activityId, title: activity.title, startsAt: session.startsAt, endsAt: session.endsAt });
      byResource.set(resourceId, list);
    }
  }
  return byResource;
}

export class Activities {
  /** Activities as the booking path last read them: a storm reads FerretDB once a second, not per attempt. */
  private readonly recent = new Map<string, { at: number; activity: Promise<ActivityRecord | undefined> }>();

  constructor(
    private readonly store: ActivityStore,
    private readonly seats: SeatLedger,
    private readonly relay: OutboxRelay,
    private readonly rules: BookingRules,
    private readonly clock: () => Date,
    private readonly registry: RegistryStore,
    private readonly calendars: CalendarStore,
    /** Campaigns as data; none known without it (tests of other rules). */
    private readonly campaigns?: CampaignStore,
  ) {}

  private context(campaign?: Campaign): ActivityContext & BookingContext {
    return { now: this.clock(), rules: this.rules, ...(campaign ? { campaign } : {}) };
  }

  /** The campaign an id names, as the store has it now; undefined for "" or an unknown one. */
  async campaignFor(campaignId: string): Promise<Campaign | undefined> {
    const record = campaignId ? await this.campaigns?.load(campaignId) : undefined;
    return record ? campaignOf(record) : undefined;
  }

  /**
   * Changes one activity and records what happened, in one write. Changes to one activity run one
   * at a time in this process (a booking storm would otherwise keep colliding on the version);
   * a change from another process that came first makes it decide again.
   */
  private change(activityId: string, actor: Actor | undefined, cause: Cause, command: (activity: ActivityRecord) => ActivityCommand, campaign?: Campaign): Promise<ActivityRecord> {
    return serializedWrite("activity-change", activityId, () => this.changeNow(activityId, actor, cause, command, campaign));
  }

  private async changeNow(activityId: string, actor: Actor | undefined, cause: Cause, command: (activity: ActivityRecord) => ActivityCommand, campaign?: Campaign): Promise<ActivityRecord> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const before = await this.store.load(activityId);
      if (!before) throw errors.notFound(activityId);
      const decided = must(decideActivity(before, command(before), this.context(campaign)));
      if (decided.length === 0) return before;
      const { after, envelopes } = this.fold(before, decided, actor, cause);
      if ((await this.store.save(before, after, envelopes)) === "saved") {
        this.relay.kick(this.store.activities, activityId);
        return after;
      }
    }
    throw kepuError("conflict", "ACTIVITY_BUSY", "活动正被频繁修改，请稍后重试", "The activity is changing quickly; please retry");
  }

  /** The state after the decided events, and their envelopes (one version each). */
  private fold(before: ActivityRecord, decided: ActivityEvent[], actor: Actor | undefined, cause: Cause): { after: ActivityRecord; envelopes: EventEnvelope[] } {
    let state = before;
    const envelopes = decided.map((event, i) => {
      state = evolveActivity(state, event);
      return activityEnvelope(state, event, { source: "events", aggregateId: before.activityId, aggregateVersion: before.version + i + 1, actor, occurredAt: this.clock(), ...cause });
    });
    return { after: { ...state, version: before.version + decided.length }, envelopes };
  }

  private async create(activity: ActivityRecord, command: ScheduleCommand, actor: Actor | undefined, cause: Cause, campaign?: Campaign): Promise<ActivityRecord> {
    const decided = must(decideActivity(undefined, command, this.context(campaign)));
    const { after, envelopes } = this.fold({ ...activity, version: 0 }, decided, actor, cause);
    // Seats first: once the activity is saved anyone can see it and book, and a booking that finds
    // no seats in the ledger is refused as "no such session". Opening them twice changes nothing.
    await this.openSeats(activity);
    const result = await this.store.save(undefined, after, envelopes);
    if (result === "conflict") return (await this.store.load(activity.activityId))!;
    this.relay.kick(this.store.activities, activity.activityId);
    return after;
  }

  /**
   * Loads the sessions' seats into the ledger: capacity and the seats held for the ordering
   * communities (a merge group's holds, or the ordering community's share) until the priority
   * window ends. Opening them again changes nothing, but loads a merge group's holds recorded since.
   * A session Redis lost (restarted without its file) is opened with the seats and waitlist the
   * store knows of; `only` names the one session a booking found missing.
   */
  private async openSeats(activity: ActivityRecord, only?: string): Promise<void> {
    const merged = await this.store.mergeHoldsOf(activity.activityId);
    const bookings = activity.version > 0 ? await this.store.bookingsOf({ activityId: activity.activityId }) : [];
    for (const session of activity.sessions) {
      if (only && session.sessionId !== only) continue;
      const holds = sessionHolds({ capacity: session.capacity, priorityCommunityId: activity.priorityCommunityId, priorityShare: this.rules.priorityShare, ...(merged ? { merged } : {}) });
      const priorityUntil = new Date(new Date(session.startsAt).getTime() - this.rules.priorityHoursBeforeStart * 3_600_000);
      const known = knownSeats(bookings, session.sessionId);
      await this.seats.openSession(session.sessionId, { capacity: session.capacity, holds, holdsFrom: merged ? "merge" : "priority", priorityUntil }, known);
    }
  }

  /**
   * An accepted order becomes exactly one activity (its id comes from the order's). Without a
   * preferred date, or with one that has passed meanwhile, it is held a week from now at 10:00
   * local time: a session never starts in the past, nor at night.
   *
   * From a menu item it runs the item's duration, opens the item's capacity (the seats the item's
   * format and venue hold: the order's expected participants are the community's estimate, and
   * its residents book first anyway) and reserves the item's listed resources. When one of them
   * is held then, no activity is made: OrderSchedulingConflicted names the session in the way and
   * the order stays 已接单 for the team to pick another time. Returns undefined then.
   */
  async createFromOrder(accepted: OrderAccepted, actor: Actor | undefined, cause: Cause, recordHolds?: (activity: ActivityRecord) => Promise<unknown>): Promise<ActivityRecord | undefined> {
    const activityId = `act-${accepted.orderId}`;
    const existing = await this.store.load(activityId);
    if (existing) {
      // Delivered again: the holds recorded (once) and loaded, in case the first delivery stopped before.
      await recordHolds?.(existing);
      await this.openSeats(existing);
      return existing;
    }
    const request = accepted.request;
    const community = request?.community;
    const now = this.clock();
    const item = await this.registry.menuItem(request?.menuItemId ?? "");
    const preferred = request?.preferredDate ? new Date(Number(request.preferredDate.seconds) * 1000) : undefined;
    const startsAt = preferred && preferred > now ? preferred : new Date(calendar.startOfDate(calendar.dateOf(new Date(now.getTime() + 7 * 86_400_000))).getTime() + 10 * 3_600_000);
    const minutes = minutesOf(item);
    const capacity = item && item.capacity > 0 ? item.capacity : request?.expectedParticipants || 30;
    const resources = item ? [...(await this.registry.listed(item.resourceIds))] : [];
    const campaign = await this.campaignFor(accepted.campaignId);
    const activity: ActivityRecord = {
      activityId,
      orderId: accepted.orderId,
      requesterId: accepted.requesterId,
      title: request?.title ?? "",
      theme: request?.theme ?? 0,
      format: request?.format ?? 0,
      audience: request?.audience ?? 0,
      organizerOrgId: community?.orgId ?? "",
      place: { orgId: community?.orgId ?? "", path: community?.path ?? [], districtId: community?.districtId ?? "", streetId: community?.streetId ?? "", communityId: community?.communityId ?? "" },
      teamId: accepted.teamId,
      // Dispatch checked the order's campaign; one this service does not know is left off rather than lose the activity.
      campaignId: campaign ? accepted.campaignId : "",
      sessions: [{ sessionId: `${activityId}-s1`, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), resourceId: resources[0] ?? "", place: community?.orgId ?? "", capacity }],
      priorityCommunityId: community?.communityId ?? "",
      status: "SCHEDULED",
      summaryFiled: false,
      participants: 0,
      uniqueParticipants: 0,
      serviceHours: 0,
      hoursRecorded: [],
      startsAt,
      itemResourceIds: resources,
      version: 0,
    };
    try {
      await this.reserveAll(activity);
    } catch (error) {
      if (!(isKepuError(error) && error.code === "RESOURCE_BUSY")) throw error;
      await this.recordConflict(activity, error, actor, cause);
      return undefined;
    }
    await recordHolds?.(activity); // before its seats open: the holds are loaded with them
    return this.create(activity, { kind: "schedule", activity, references: { listedResources: new Set(resources) }, history: false }, actor, cause, campaign);
  }

  /** An order whose activity could not be held: the conflict, once, with its event (OrderSchedulingConflicted). */
  private async recordConflict(activity: ActivityRecord, error: KepuError, actor: Actor | undefined, cause: Cause): Promise<void> {
    const session = activity.sessions[0]!;
    const collision = await this.collisionFor(activity.itemResourceIds ?? [], session.startsAt, session.endsAt);
    const payload = {
      orderId: activity.orderId,
      activityId: activity.activityId,
      resourceId: collision?.resourceId ?? "",
      heldBySessionId: collision?.with.sessionId ?? "",
      heldByTitle: collision?.with.title ?? "",
      startsAt: timestampFromDate(session.startsAt),
      endsAt: timestampFromDate(session.endsAt),
      messageZh: error.zh,
      messageEn: error.en,
    };
    const event = newEvent(OrderSchedulingConflictedSchema, payload, { source: "events", aggregateId: activity.activityId, aggregateVersion: 1, actor, occurredAt: this.clock(), ...cause });
    const state = { orderId: activity.orderId, resourceId: payload.resourceId, heldBySessionId: payload.heldBySessionId, heldByTitle: payload.heldByTitle, messageZh: error.zh, messageEn: error.en, at: this.clock() };
    // Saved once: a redelivered acceptance finds it saved and changes nothing.
    await this.store.saveConflict(activity.activityId, state, [event]);
    this.relay.kick(this.store.conflicts, activity.activityId);
  }

  /** Why an order's activity could not be scheduled, if it could not. */
  conflictOf(orderId: string): Promise<Record<string, unknown> | undefined> {
    return this.store.conflict(`act-${orderId}`);
  }

  /** Published directly (campaign sessions, base open days). A resource cannot hold overlapping sessions. */
  async publish(draft: Omit<ActivityRecord, "activityId" | "version" | "status" | "summaryFiled" | "participants" | "uniqueParticipants" | "serviceHours" | "startsAt">, actor: Actor | undefined, cause: Cause): Promise<ActivityRecord> {
    requireAccess("activity.organize", actor, { path: draft.place.path });
    const activityId = `act-${uuidv7()}`;
    const sessions = draft.sessions.map((s, i) => ({ ...s, sessionId: `${activityId}-s${i + 1}` }));
    const startsAt = sessions.reduce((min, s) => (s.startsAt < min ? s.startsAt : min), sessions[0]!.startsAt);
    const activity: ActivityRecord = { ...draft, activityId, sessions, status: "SCHEDULED", summaryFiled: false, participants: 0, uniqueParticipants: 0, serviceHours: 0, hoursRecorded: [], startsAt, version: 0 };
    const listedResources = await this.registry.listed([...new Set(sessions.map((s) => s.resourceId).filter(Boolean))]);
    const command: ScheduleCommand = { kind: "schedule", activity, references: { listedResources }, history: recordsHistory(actor) };
    // The rules first (times, campaign, the 名录), so that a refused activity holds no venue.
    const campaign = await this.campaignFor(draft.campaignId);
    must(decideActivity(undefined, command, this.context(campaign)));
    await this.reserveAll(activity);
    return this.create(activity, command, actor, cause, campaign);
  }

  /**
   * Reserves every resource the activity's sessions use on its calendar, or throws RESOURCE_BUSY
   * naming the session in the way and holds none of them (those reserved before it are freed).
   */
  private async reserveAll(activity: ActivityRecord): Promise<void> {
    const byResource = reservationsOf(activity);
    const done: string[] = [];
    for (const [resourceId, wanted] of byResource) {
      try {
        await this.calendars.reserve(resourceId, wanted);
        done.push(resourceId);
      } catch (error) {
        for (const held of done) await this.calendars.release(held, byResource.get(held)!);
        throw error;
      }
    }
  }

  /** A cancelled activity frees the resources its sessions held. */
  private async releaseAll(activity: ActivityRecord): Promise<void> {
    for (const [resourceId, held] of reservationsOf(activity)) await this.calendars.release(resourceId, held);
  }

  /** A resource's calendar for a month ("2027-09"): who holds it when. Staff only (it names activities not yet public). */
  async calendarOf(resourceId: string, month: string, actor: Actor | undefined): Promise<Reservation[]> {
    if (!actor) throw errors.signIn();
    if (actor.role === Role.RESIDENT) throw errors.staffOnly();
    const valid = monthOf(month);
    if (!valid) throw errors.badMonth(month);
    return this.calendars.month(resourceId, valid);
  }

  /**
   * Whether these resources, or a menu item's, are held from `startsAt` to `endsAt` (or for the
   * item's duration): what the worker is warned of before 派单. Undefined when all are free.
   */
  async conflictAt(resourceIds: string[], menuItemId: string, startsAt: Date, endsAt: Date | undefined): Promise<{ resourceId: string; with: Reservation } | undefined> {
    const item = await this.registry.menuItem(menuItemId);
    const ends = endsAt ?? new Date(startsAt.getTime() + minutesOf(item) * 60_000);
    if (!(ends > startsAt)) throw kepuError("invalid", "BAD_TIMES", "结束时间须晚于开始时间", "The end must be after the start", "endsAt");
    return this.collisionFor([...new Set([...resourceIds, ...(item?.resourceIds ?? [])])], startsAt, ends);
  }

  /** Of these sessions, the first that would collide on a resource's calendar (to warn before 派单); undefined when all are free. */
  async collisionFor(resourceIds: string[], startsAt: Date, endsAt: Date): Promise<{ resourceId: string; with: Reservation } | undefined> {
    const wanted: Reservation = { sessionId: "", activityId: "", title: "", startsAt, endsAt };
    for (const resourceId of resourceIds) {
      const held = (await Promise.all(monthsSpanned(startsAt, endsAt).map((m) => this.calendars.month(resourceId, m)))).flat();
      const found = held.find((h) => overlaps(h, wanted));
      if (found) return { resourceId, with: found };
    }
    return undefined;
  }

  /**
   * 预约: a seat if one is free for the attendee, else a place on the waitlist. The attendee is the
   * resident, or a child of hers (`child`, checked by the caller to be hers): the seat, and the
   * per-person limit, are the attendee's; the booking stays the resident's.
   */
  async book(activityId: string, sessionId: string, actor: Actor | undefined, cause: Cause, child?: { studentId: string; name: string }): Promise<BookingRecord> {
    if (!actor || !can("booking.make", actor)) throw errors.residentsOnly();
    const activity = await this.recentActivity(activityId);
    if (!activity) throw errors.notFound(activityId);
    must(decideBook(activity, sessionId, this.context()));
    const attendeeId = child?.studentId ?? actor.id;
    const attempt = () => this.seats.book(sessionId, attendeeId, `bk-${uuidv7()}`, actor.orgId, this.clock(), { waitlist: this.rules.waitlistMax, perPerson: this.rules.perPersonMax });
    let outcome = await attempt();
    if (outcome.kind === "no_session") {
      // Redis lost the session's keys (restarted without its file): rebuilt from the store, once.
      await this.openSeats((await this.store.load(activityId)) ?? activity, sessionId);
      outcome = await attempt();
    }
    if (outcome.kind === "full") throw outcome.reason && outcome.reason !== "full" ? errors.seatsHeld(outcome.reason) : errors.waitlistFull();
    if (outcome.kind === "limit") throw errors.limitReached(this.rules.perPersonMax);
    if (outcome.kind === "no_session") throw errors.sessionNotFound(sessionId);
    const existing = await this.store.booking(outcome.bookingId);
    if (existing) {
      // The same attendee asked again: same answer. Her earlier attempt may have stored the booking
      // and failed before 我的预约's index heard of it; asking again repairs that.
      await this.store.reindexBooking(existing);
      return existing;
    }
    const waitReason = outcome.kind === "waitlisted" && (outcome.reason === "hold_used" || outcome.reason === "held_for_others") ? outcome.reason : undefined;
    const booking: BookingRecord = {
      bookingId: outcome.bookingId,
      activityId,
      sessionId,
      residentId: actor.id,
      communityId: actor.orgId,
      attendeeId,
      ...(child ? { attendeeName: child.name } : {}),
      ...(outcome.kind === "seated" ? { seatFrom: outcome.from } : {}),
      ...(waitReason ? { waitReason } : {}),
      status: outcome.kind === "seated" ? "SEATED" : "WAITLISTED",
      waitlistPosition: outcome.kind === "waitlisted" ? outcome.position : 0,
      bookedAt: this.clock(),
      version: 1,
    };
    const made = this.bookingEvent(booking, BookingMadeSchema, { activityId, sessionId, bookingId: booking.bookingId, residentId: actor.id, communityId: actor.orgId, waitlisted: booking.status === "WAITLISTED", waitlistPosition: booking.waitlistPosition, attendeeId }, actor, cause);
    // A conflict means the same booking was saved by an earlier attempt of this resident: same answer.
    await this.store.saveBooking(undefined, booking, [made]);
    this.relay.kick(this.store.bookings, booking.bookingId);
    return booking;
  }

  /** One read in flight per activity, shared by every attempt that arrives meanwhile. */
  private recentActivity(activityId: string): Promise<ActivityRecord | undefined> {
    const now = Date.now();
    const cached = this.recent.get(activityId);
    if (cached && now - cached.at < 1_000) return cached.activity;
    const activity = this.store.load(activityId);
    this.recent.set(activityId, { at: now, activity });
    activity.catch(() => this.recent.delete(activityId));
    return activity;
  }

  /** An event of one booking's life, keyed by the booking: BookingMade is version 1. */
  private bookingEvent<D extends DescMessage>(booking: BookingRecord, schema: D, payload: MessageInitShape<D>, actor: Actor | undefined, cause: Cause): EventEnvelope {
    return newEvent(schema, payload, { source: "events", aggregateId: booking.bookingId, aggregateVersion: booking.version, actor, occurredAt: this.clock(), ...cause });
  }

  /** Moves a booking on (cancelled, seated from the waitlist, checked in) with its event. */
  private async moveBooking<D extends DescMessage>(booking: BookingRecord, status: BookingRecord["status"], schema: D, payload: MessageInitShape<D>, actor: Actor | undefined, cause: Cause): Promise<BookingRecord> {
    const after = { ...booking, status, waitlistPosition: status === "WAITLISTED" ? booking.waitlistPosition : 0, version: booking.version + 1 };
    await this.store.saveBooking(booking, after, [this.bookingEvent(after, schema, payload, actor, cause)]);
    this.relay.kick(this.store.bookings, booking.bookingId);
    return after;
  }

  /** A booking and its activity's session (a booking always names one of its activity's sessions). */
  private async sessionOf(booking: BookingRecord): Promise<{ activity: ActivityRecord; session: SessionRecord }> {
    const activity = (await this.store.load(booking.activityId))!;
    return { activity, session: activity.sessions.find((s) => s.sessionId === booking.sessionId)! };
  }

  async cancelBooking(bookingId: string, reason: string, actor: Actor | undefined, cause: Cause): Promise<{ booking: BookingRecord; promoted: string }> {
    const booking = await this.store.booking(bookingId);
    if (!booking || !can("booking.own", actor, bookingFacts(booking))) throw errors.bookingNotFound(bookingId);
    const { session } = await this.sessionOf(booking);
    if (must(decideBooking(booking, session, { kind: "cancel" }, this.context())) === "same") return { booking, promoted: "" };
    const outcome = await this.seats.cancel(booking.sessionId, attendeeOf(booking), this.clock());
    const promoted = outcome.kind === "cancelled" ? outcome.promoted : undefined;
    const where = { activityId: booking.activityId, sessionId: booking.sessionId };
    const cancelled = await this.moveBooking(booking, "CANCELLED", BookingCancelledSchema, { ...where, bookingId, residentId: booking.residentId, reason }, actor, cause);
    const next = promoted ? await this.store.booking(promoted.bookingId) : undefined;
    if (next && promoted && must(decideBooking(next, session, { kind: "promote" }, this.context())) === "SEATED") {
      await this.moveBooking({ ...next, seatFrom: promoted.from }, "SEATED", BookingPromotedSchema, { ...where, bookingId: next.bookingId, residentId: next.residentId }, actor, cause);
    }
    return { booking: cancelled, promoted: promoted?.bookingId ?? "" };
  }

  tokenFor(booking: BookingRecord, actor: Actor | undefined): string {
    if (!can("booking.own", actor, bookingFacts(booking))) throw errors.bookingNotFound(booking.bookingId);
    return checkInToken(booking.bookingId, this.rules.checkInSecret);
  }

  /** 签到 by a scanned QR token or from the staff list, while the session's check-in is open. Checking in twice counts once. */
  async checkIn(token: string, bookingId: string, actor: Actor | undefined, cause: Cause): Promise<BookingRecord> {
    const id = token ? verifyCheckInToken(token, this.rules.checkInSecret) : bookingId;
    if (!id) throw errors.badToken();
    const booking = await this.store.booking(id);
    if (!booking) throw errors.bookingNotFound(id);
    const { activity, session } = await this.sessionOf(booking);
    requireAccess("activity.organize", actor, activityFacts(activity));
    if (must(decideBooking(booking, session, { kind: "checkIn" }, this.context())) === "same") return booking;
    // Check-ins count toward the activity's attendance: they are the activity's events.
    const attendee = { bookingId: id, sessionId: booking.sessionId, residentId: attendeeOf(booking), status: booking.status };
    await this.change(booking.activityId, actor, cause, () => ({ kind: "checkIn", attendee, method: token ? "qr" : "staff" }));
    const checkedIn = { ...booking, status: "CHECKED_IN" as const, version: booking.version + 1 };
    await this.store.saveBooking(booking, checkedIn, []);
    return checkedIn;
  }

  async attendance(activityId: string, actor: Actor | undefined): Promise<BookingRecord[]> {
    const activity = await this.store.load(activityId);
    if (!activity) throw errors.notFound(activityId);
    requireAccess("attendance.read", actor, activityFacts(activity));
    return this.store.bookingsOf({ activityId });
  }

  /** 志愿服务时长 for a member of the activity's team, on a session's day, once served. */
  async recordHours(input: { activityId: string; volunteerId: string; teamId: string; content: string; startedAt: Date; endedAt: Date }, actor: Actor | undefined, cause: Cause): Promise<number> {
    const before = await this.store.load(input.activityId);
    if (!before) throw errors.notFound(input.activityId);
    requireAccess("hours.record", actor, activityFacts(before));
    const isMember = await this.registry.isMember(before.teamId || input.teamId, input.volunteerId);
    const after = await this.change(input.activityId, actor, cause, (activity) => {
      requireAccess("hours.record", actor, activityFacts(activity));
      return { kind: "recordHours", ...input, confirmedBy: actor?.id ?? "", isMember };
    });
    const hours = serviceHours(input.startedAt, input.endedAt);
    if (!after.hoursRecorded) await this.store.recordLegacyHours(input.activityId, input.volunteerId, input.startedAt, hours);
    return hours;
  }

  async fileSummary(activityId: string, text: string, photoUrls: string[], actor: Actor | undefined, cause: Cause): Promise<ActivityRecord> {
    // Who may file, and whether it may be filed, is checked before anything is written: a refused summary leaves no text behind.
    const before = await this.store.load(activityId);
    if (!before) throw errors.notFound(activityId);
    requireAccess("activity.organize", actor, activityFacts(before));
    const command = { kind: "fileSummary", textLength: [...text].length, photoCount: photoUrls.length } as const;
    // On time or late against the campaign's due date as it stands when filed: kept for good.
    const campaign = await this.campaignFor(before.campaignId);
    must(decideActivity(before, command, this.context(campaign)));
    await this.store.summaries.updateOne({ _id: activityId as never }, { $set: { text, photoUrls, filedBy: actor?.id ?? "", filedAt: this.clock() } }, { upsert: true });
    return this.change(
      activityId,
      actor,
      cause,
      (activity) => {
        requireAccess("activity.organize", actor, activityFacts(activity));
        return command;
      },
      campaign,
    );
  }

  /** 报备: the organizer registers the activity to a campaign at a level, in advance and within its registration window. */
  async registerToCampaign(activityId: string, campaignId: string, level: number, actor: Actor | undefined, cause: Cause): Promise<ActivityRecord> {
    const before = await this.store.load(activityId);
    if (!before) throw errors.notFound(activityId);
    requireAccess("activity.organize", actor, activityFacts(before));
    const campaign = await this.campaignFor(campaignId);
    if (!campaign) throw errors.campaignNotFound(campaignId);
    return this.change(activityId, actor, cause, (activity) => {
      requireAccess("activity.organize", actor, activityFacts(activity));
      return { kind: "registerToCampaign", campaign, level, by: actor?.id ?? "" };
    });
  }

  /** Keeps a photo for the activity's summary; the organizers may add them. Returns its id. */
  async uploadPhoto(activityId: string, contentType: string, content: Buffer, actor: Actor | undefined): Promise<string> {
    const activity = await this.store.load(activityId);
    if (!activity) throw errors.notFound(activityId);
    requireAccess("activity.organize", actor, activityFacts(activity));
    const photoId = `ph-${uuidv7()}`;
    await this.store.savePhoto({ photoId, activityId, contentType, content, uploadedBy: actor!.id, uploadedAt: this.clock() });
    return photoId;
  }

  /** Once held, the summary plus attendance (or why nobody came) complete the activity; dispatch turns this into DELIVERED. */
  async complete(activityId: string, walkIns: number, noAttendanceReason: string, actor: Actor | undefined, cause: Cause): Promise<ActivityRecord> {
    const attendees = await this.store.bookingsOf({ activityId });
    const before = await this.store.load(activityId);
    const legacyHours = before && !before.hoursRecorded ? await this.store.legacyHoursOf(activityId) : [];
    return this.change(activityId, actor, cause, (activity) => {
      requireAccess("activity.organize", actor, activityFacts(activity));
      return { kind: "complete", attendees, walkIns, noAttendanceReason, volunteerHours: activity.hoursRecorded ?? legacyHours };
    });
  }

  async rate(activityId: string, score: number, comment: string, actor: Actor | undefined, cause: Cause): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw kepuError("invalid", "BAD_SCORE", "评分须为 1 到 5 分", "The score must be from 1 to 5", "score");
    const attended = (await this.store.bookingsOf({ activityId })).some((b) => b.residentId === actor?.id && b.status === "CHECKED_IN");
    await this.change(activityId, actor, cause, () => ({ kind: "rate", raterId: actor?.id ?? "", score, comment, attended }));
  }

  /** The order behind an activity was cancelled before it was held. */
  async cancelForOrder(orderId: string, reason: string, actor: Actor | undefined, cause: Cause): Promise<void> {
    try {
      const cancelled = await this.change(`act-${orderId}`, actor, cause, () => ({ kind: "cancel", reason }));
      if (cancelled.status === "CANCELLED") await this.releaseAll(cancelled);
    } catch (error) {
      if (!(isKepuError(error) && error.code === "ACTIVITY_NOT_FOUND")) throw error;
    }
  }
}
