import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { can, listScope } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import type { EventsService} from "@kepu/contracts/events/v1/service_pb";
import { ActivityStatus, BookingStatus, type ActivitySchema, type BookingSchema } from "@kepu/contracts/events/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { optionalText, requireId, requireText } from "@kepu/input";
import type { ServiceImplementation } from "@kepu/rpc";
import type { Activities } from "../activities.js";
import { activityFacts } from "../domain/access.js";
import { activityErrors } from "../domain/errors.js";
import type { Reservation } from "../domain/calendar.js";
import type { RotationPlan } from "../domain/rotation.js";
import type { Rotations } from "../rotations.js";
import type { Campaigns } from "../campaigns.js";
import type { Credits } from "../credits.js";
import { creditService } from "./credit-service.js";
import { summaryOverdue, type Campaign } from "../domain/campaign.js";
import { campaignService } from "./campaign-service.js";
import type { ActivityRecord, ActivityStore, BookingRecord } from "../store/activity-store.js";
import type { SeatLedger } from "../store/seat-ledger.js";

const id = requireId;
const text = (value: string, field: string, max: number, required = false) => (required ? requireText(value, field, max) : optionalText(value, field, max));
const date = (value: Timestamp | undefined, field: string) => {
  if (!value) throw kepuError("invalid", "TIME_REQUIRED", `请填写 ${field}`, `${field} is required`, field);
  return timestampDate(value);
};

const statusOf = { SCHEDULED: ActivityStatus.SCHEDULED, COMPLETED: ActivityStatus.COMPLETED, CANCELLED: ActivityStatus.CANCELLED } as const;
const bookingStatusOf = { SEATED: BookingStatus.SEATED, WAITLISTED: BookingStatus.WAITLISTED, CANCELLED: BookingStatus.CANCELLED, CHECKED_IN: BookingStatus.CHECKED_IN } as const;
// Photos for summaries: what phones produce, at most 2 MB (the web app shrinks them before upload).
const photoTypes = ["image/jpeg", "image/png", "image/webp"];
const maxPhotoBytes = 2 * 1024 * 1024;
/** The most a list page holds, whatever the caller asks: a page is read document by document. */
const maxPageSize = 200;

export function bookingMessage(b: BookingRecord, activity?: ActivityRecord): MessageInitShape<typeof BookingSchema> {
  const session = activity?.sessions.find((s) => s.sessionId === b.sessionId);
  return {
    bookingId: b.bookingId,
    activityId: b.activityId,
    sessionId: b.sessionId,
    residentId: b.residentId,
    communityId: b.communityId,
    status: bookingStatusOf[b.status],
    waitlistPosition: b.waitlistPosition,
    bookedAt: timestampFromDate(new Date(b.bookedAt)),
    activityTitle: activity?.title ?? "",
    startsAt: session ? timestampFromDate(new Date(session.startsAt)) : undefined,
    attendeeId: b.attendeeId || b.residentId,
    attendeeName: b.attendeeName ?? "",
    ...(b.status === "WAITLISTED" && b.waitReason ? { waitReasonZh: activityErrors.seatsHeld(b.waitReason).zh, waitReasonEn: activityErrors.seatsHeld(b.waitReason).en } : {}),
  };
}

const reservationMessage = (r: Reservation) => ({ sessionId: r.sessionId, activityId: r.activityId, title: r.title, startsAt: timestampFromDate(r.startsAt), endsAt: timestampFromDate(r.endsAt) });

const planMessage = (resourceId: string, plan: RotationPlan, saved: boolean) => ({ resourceId, ...plan, stays: plan.stays.map((s) => ({ ...s })), saved });
const planOf = (p: { month: string; stayDays: number; travelDays: number; stays: { communityId: string; firstDay: string; lastDay: string }[]; unplaced: string[] }): RotationPlan => ({
  month: p.month,
  stayDays: p.stayDays,
  travelDays: p.travelDays,
  stays: p.stays.slice(0, 62).map((s) => ({ communityId: id(s.communityId, "communityId"), firstDay: s.firstDay, lastDay: s.lastDay })),
  unplaced: p.unplaced.slice(0, 500),
});

export function eventsService(activities: Activities, store: ActivityStore, seats: SeatLedger, clock: () => Date, rotations: Rotations, campaigns: Campaigns, credits?: Credits): ServiceImplementation<typeof EventsService> {
  // Staff of the organizer's subtree and the team see a summary and its photos; everyone once it is filed.
  const summaryVisible = (activity: ActivityRecord, actor: Actor | undefined) => can("summary.read", actor, activityFacts(activity)) || (activity.summaryFiled && can("summary.readPublished", actor));
  const view = async ({ summaryFiledAt, registeredAt, ...a }: ActivityRecord): Promise<MessageInitShape<typeof ActivitySchema>> => ({
    ...a,
    summaryFiledAt: summaryFiledAt ? timestampFromDate(new Date(summaryFiledAt)) : undefined,
    registeredAt: registeredAt ? timestampFromDate(new Date(registeredAt)) : undefined,
    version: BigInt(a.version),
    status: statusOf[a.status],
    sessions: await Promise.all(
      a.sessions.map(async (s) => {
        const { taken, waiting } = await seats.counts(s.sessionId);
        return {
          session: { sessionId: s.sessionId, startsAt: timestampFromDate(new Date(s.startsAt)), endsAt: timestampFromDate(new Date(s.endsAt)), resourceId: s.resourceId, place: s.place, capacity: s.capacity },
          seatsTaken: taken,
          seatsLeft: Math.max(s.capacity - taken, 0),
          waitlistLength: waiting,
        };
      }),
    ),
  });
  const load = async (activityId: string) => {
    const activity = await store.load(id(activityId, "activityId"));
    if (!activity) throw kepuError("not_found", "ACTIVITY_NOT_FOUND", `活动 ${activityId} 不存在`, `Activity ${activityId} does not exist`);
    return activity;
  };
  /** An activity the actor may see; one they may not is not found, as if it did not exist. */
  const readable = async (activityId: string, actor: Actor | undefined) => {
    const activity = await load(activityId);
    if (!can("activity.read", actor, activityFacts(activity))) throw kepuError("not_found", "ACTIVITY_NOT_FOUND", `活动 ${activityId} 不存在`, `Activity ${activityId} does not exist`);
    return activity;
  };
  /** The actor's reach over activities, in the query: their subtree or their team's; a requested org narrows it. */
  const reach = (action: "activity.read" | "summary.overdue", actor: Actor | undefined, orgId: string, teamId: string) => {
    const scope = listScope(action, actor);
    const withinOrgIds = orgId ? [id(orgId, "orgId")] : [];
    if (scope.all) return { withinOrgIds, teamId };
    if (scope.scopes.includes("subtree")) return { withinOrgIds: [...withinOrgIds, actor!.orgId], teamId };
    return { withinOrgIds, teamId: actor!.orgId }; // ownTeam
  };

  return {
    ...campaignService(campaigns),
    ...creditService(credits),
    async registerToCampaign(request, context) {
      const activity = await activities.registerToCampaign(id(request.activityId, "activityId"), id(request.campaignId, "campaignId"), request.level, context.actor, { correlationId: context.correlationId }); // 报备
      return { activity: await view(activity) };
    },
    async publishActivity(request, context) {
      if (!request.place?.orgId) throw kepuError("invalid", "PLACE_REQUIRED", "请选择活动所在地", "Choose where the activity is held", "place");
      if (request.sessions.length === 0) throw kepuError("invalid", "SESSIONS_REQUIRED", "请至少添加一个场次", "Add at least one session", "sessions");
      const sessions = request.sessions.map((s) => {
        const startsAt = date(s.startsAt, "sessions.startsAt");
        const endsAt = date(s.endsAt, "sessions.endsAt");
        if (endsAt <= startsAt) throw kepuError("invalid", "BAD_SESSION_TIME", "场次结束时间须晚于开始时间", "A session must end after it starts", "sessions.endsAt");
        if (s.capacity < 1 || s.capacity > 100_000) throw kepuError("invalid", "BAD_CAPACITY", "名额须在 1 到 100000 之间", "Capacity must be 1 to 100000", "sessions.capacity");
        return { sessionId: "", startsAt, endsAt, resourceId: s.resourceId ? id(s.resourceId, "sessions.resourceId") : "", place: text(s.place, "sessions.place", 200), capacity: s.capacity };
      });
      const { orgId, path, districtId, streetId, communityId } = request.place;
      const activity = await activities.publish(
        {
          orderId: "",
          requesterId: "",
          title: text(request.title, "title", 100, true),
          theme: request.theme,
          format: request.format,
          audience: request.audience,
          organizerOrgId: context.actor?.orgId ?? "",
          place: { orgId, path, districtId, streetId, communityId },
          teamId: request.teamId,
          campaignId: text(request.campaignId, "campaignId", 80),
          sessions,
          priorityCommunityId: "",
          forCredit: request.forCredit,
        },
        context.actor,
        { correlationId: context.correlationId },
      );
      return { activity: await view(activity) };
    },
    async getActivity(request, context) {
      return { activity: await view(await readable(request.activityId, context.actor)) };
    },
    async listActivities(request, context) {
      const pageSize = request.pageSize > 0 ? Math.min(request.pageSize, maxPageSize) : 20;
      const status = request.status === ActivityStatus.UNSPECIFIED ? "" : (ActivityStatus[request.status] as "SCHEDULED" | "COMPLETED" | "CANCELLED");
      const { activities: found, total } = await store.list({
        ...reach("activity.read", context.actor, request.orgId, request.teamId),
        theme: request.theme,
        campaignId: request.campaignId,
        status,
        from: request.from ? timestampDate(request.from) : undefined,
        to: request.to ? timestampDate(request.to) : undefined,
        page: Math.max(request.page, 0),
        pageSize,
      });
      return { activities: await Promise.all(found.map(view)), total };
    },
    async book(request, context) {
      // A seat for a child: one of the caller's students (guardian = caller), checked before any seat is taken.
      const child = request.studentId ? await credits?.childOf(id(request.studentId, "studentId"), context.actor) : undefined;
      const booking = await activities.book(id(request.activityId, "activityId"), id(request.sessionId, "sessionId"), context.actor, { correlationId: context.correlationId }, child);
      return { booking: bookingMessage(booking, await store.load(booking.activityId)) };
    },
    async cancelBooking(request, context) {
      const { booking, promoted } = await activities.cancelBooking(id(request.bookingId, "bookingId"), text(request.reason, "reason", 200), context.actor, { correlationId: context.correlationId });
      return { booking: bookingMessage(booking), promotedBookingId: promoted };
    },
    async listMyBookings(request, context) {
      listScope("booking.own", context.actor); // residents only: their own bookings
      const residentId = context.actor!.id;
      const { bookings, total } =
        request.pageSize > 0
          ? await store.bookingsPageOf(residentId, Math.max(request.page, 0), Math.min(request.pageSize, maxPageSize))
          : await store.bookingsOf({ residentId }).then((all) => ({ bookings: all, total: all.length }));
      // Each activity once, read side by side (by `_id`).
      const activityIds = [...new Set(bookings.map((b) => b.activityId))];
      const byId = new Map<string, ActivityRecord | undefined>(await Promise.all(activityIds.map(async (id) => [id, await store.load(id)] as const)));
      return { bookings: bookings.map((b) => bookingMessage(b, byId.get(b.activityId))), total };
    },
    async getCheckInToken(request, context) {
      const booking = await store.booking(id(request.bookingId, "bookingId"));
      if (!booking) throw kepuError("not_found", "BOOKING_NOT_FOUND", "预约不存在", "Booking does not exist");
      return { token: activities.tokenFor(booking, context.actor) };
    },
    async checkIn(request, context) {
      const booking = await activities.checkIn(request.token, request.bookingId ? id(request.bookingId, "bookingId") : "", context.actor, { correlationId: context.correlationId });
      await credits?.afterCheckIn(booking, context.actor, { correlationId: context.correlationId }); // 科普教育学分, once per activity and student
      return { booking: bookingMessage(booking) };
    },
    async listAttendance(request, context) {
      const bookings = await activities.attendance(id(request.activityId, "activityId"), context.actor);
      return { bookings: bookings.map((b) => bookingMessage(b)), checkedIn: bookings.filter((b) => b.status === "CHECKED_IN").length };
    },
    async recordServiceHours(request, context) {
      const hours = await activities.recordHours(
        {
          activityId: id(request.activityId, "activityId"),
          volunteerId: id(request.volunteerId, "volunteerId"),
          teamId: request.teamId,
          content: text(request.serviceContent, "serviceContent", 200, true),
          startedAt: date(request.startedAt, "startedAt"),
          endedAt: date(request.endedAt, "endedAt"),
        },
        context.actor,
        { correlationId: context.correlationId },
      );
      return { hours };
    },
    async fileSummary(request, context) {
      const summary = text(request.text, "text", 5_000, true);
      const activity = await activities.fileSummary(id(request.activityId, "activityId"), summary, request.photoUrls.slice(0, 20), context.actor, { correlationId: context.correlationId });
      return { activity: await view(activity) };
    },
    async uploadPhoto(request, context) {
      if (!photoTypes.includes(request.contentType)) throw kepuError("invalid", "BAD_PHOTO_TYPE", "请上传 JPEG、PNG 或 WebP 图片", "Upload a JPEG, PNG or WebP image", "contentType");
      if (request.content.length === 0 || request.content.length > maxPhotoBytes) throw kepuError("invalid", "BAD_PHOTO_SIZE", "图片大小须在 2MB 以内", "A photo must be at most 2 MB", "content");
      const photoId = await activities.uploadPhoto(id(request.activityId, "activityId"), request.contentType, Buffer.from(request.content), context.actor);
      return { photoId, url: `/api/v1/photos/${photoId}` };
    },
    async getPhoto(request, context) {
      const photo = await store.photo(id(request.photoId, "photoId"));
      const activity = photo && (await store.load(photo.activityId));
      const visible = activity && summaryVisible(activity, context.actor);
      if (!photo || !visible) throw kepuError("not_found", "PHOTO_NOT_FOUND", "找不到这张图片", "No such photo", "photoId");
      return { contentType: photo.contentType, content: photo.content, activityId: photo.activityId };
    },
    async getSummary(request, context) {
      const activity = await store.load(id(request.activityId, "activityId"));
      const visible = activity && summaryVisible(activity, context.actor);
      const summary = visible ? await store.summaries.findOne({ _id: activity.activityId as never }) : null;
      if (!summary) throw kepuError("not_found", "SUMMARY_NOT_FOUND", "还没有图文总结", "No summary yet", "activityId");
      return { text: String(summary.text ?? ""), photoUrls: (summary.photoUrls as string[] | undefined) ?? [], filedAt: summary.filedAt ? timestampFromDate(new Date(summary.filedAt as Date)) : undefined };
    },
    async completeActivity(request, context) {
      if (request.walkIns < 0) throw kepuError("invalid", "BAD_WALK_INS", "现场人数不能为负", "Walk-ins cannot be negative", "walkIns");
      const reason = text(request.noAttendanceReason, "noAttendanceReason", 500);
      return { activity: await view(await activities.complete(id(request.activityId, "activityId"), request.walkIns, reason, context.actor, { correlationId: context.correlationId })) };
    },
    async rateActivity(request, context) {
      await activities.rate(id(request.activityId, "activityId"), request.score, text(request.comment, "comment", 500), context.actor, { correlationId: context.correlationId });
      return {};
    },
    async getResourceCalendar(request, context) {
      const held = await activities.calendarOf(id(request.resourceId, "resourceId"), request.month, context.actor);
      return { reservations: held.map(reservationMessage) };
    },
    async checkResourceConflict(request, context) {
      if (!context.actor) throw kepuError("unauthenticated", "NOT_SIGNED_IN", "请先登录", "Please sign in first");
      const startsAt = date(request.startsAt, "startsAt");
      const resourceIds = request.resourceIds.slice(0, 20).map((r) => id(r, "resourceIds"));
      const found = await activities.conflictAt(resourceIds, request.menuItemId, startsAt, request.endsAt ? timestampDate(request.endsAt) : undefined);
      return found ? { resourceId: found.resourceId, heldBy: reservationMessage(found.with) } : {};
    },
    async proposeRotation(request, context) {
      const resourceId = id(request.resourceId, "resourceId");
      const communities = request.communities.slice(0, 500).map((c) => ({ communityId: id(c.communityId, "communityId"), lastVisit: c.lastVisit }));
      const plan = await rotations.propose(resourceId, communities, { month: request.month, stayDays: request.stayDays, travelDays: request.travelDays }, context.actor);
      return { plan: planMessage(resourceId, plan, false) };
    },
    async saveRotation(request, context) {
      if (!request.plan) throw kepuError("invalid", "PLAN_REQUIRED", "请提供巡回计划", "The plan is required", "plan");
      const resourceId = id(request.plan.resourceId, "resourceId");
      return { plan: planMessage(resourceId, await rotations.save(resourceId, planOf(request.plan), context.actor), true) };
    },
    async getRotation(request, context) {
      const resourceId = id(request.resourceId, "resourceId");
      const plan = await rotations.get(resourceId, request.month, context.actor);
      if (!plan) throw kepuError("not_found", "ROTATION_NOT_FOUND", `资源 ${resourceId} 在 ${request.month} 没有已保存的巡回计划`, `Resource ${resourceId} has no saved rotation for ${request.month}`);
      return { plan: planMessage(resourceId, plan, true) };
    },
    async editRotation(request, context) {
      const resourceId = id(request.resourceId, "resourceId");
      const communityId = id(request.communityId, "communityId");
      const edit = request.moveToFirstDay ? ({ kind: "move", communityId, firstDay: request.moveToFirstDay } as const) : ({ kind: "remove", communityId } as const);
      return { plan: planMessage(resourceId, await rotations.edit(resourceId, request.month, edit, context.actor), true) };
    },
    async listOverdueSummaries(request, context) {
      const { activities: found } = await store.list({ ...reach("summary.overdue", context.actor, request.orgId, ""), theme: 0, campaignId: request.campaignId, status: "", from: undefined, to: undefined, page: 0, pageSize: 1_000 });
      const byId = new Map<string, Campaign | undefined>();
      for (const campaignId of new Set(found.map((a) => a.campaignId))) byId.set(campaignId, await activities.campaignFor(campaignId));
      const overdue = found.filter((a) => a.status !== "CANCELLED" && summaryOverdue(byId.get(a.campaignId), a.summaryFiled, clock()));
      return { activities: await Promise.all(overdue.map(view)) };
    },
  };
}
