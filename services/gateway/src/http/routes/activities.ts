// Activities (events): publishing, bookings (预约), check-ins (签到), photos, summaries, hours, completion.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as e from "@kepu/contracts/events/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, dateTime, defaultPageSize, enumName, enumValue, fileAnswer, id, idempotencyHeader, pageAskedFields, pageFields, paged, paging, params, protoJson, protoJsonWith, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

export const photoTypes = ["image/jpeg", "image/png", "image/webp"];
const timestamp = (iso: string) => ({ seconds: BigInt(Math.floor(Date.parse(iso) / 1000)), nanos: 0 });
const page = ["page", "pageSize", "total"];

const sessionInput = strictObject({ startsAt: dateTime(), endsAt: dateTime(), resourceId: Type.Optional(id()), place: Type.Optional(text(100)), capacity: Type.Integer({ minimum: 1, maximum: 100000 }) });
const activityBody = strictObject({
  title: text(100),
  theme: enumName(Theme, "THEME_"),
  format: Type.Optional(enumName(Format, "FORMAT_")),
  audience: Type.Optional(enumName(Audience, "AUDIENCE_")),
  orgId: id(),
  campaignId: Type.Optional(text(80)),
  teamId: Type.Optional(id()),
  sessions: Type.Array(sessionInput, { minItems: 1, maxItems: 20 }),
  forCredit: Type.Optional(Type.Boolean({ description: "计学分 / students' attendance earns 科普教育学分" })),
});
// 志愿服务时长: who served, what, from when to when; the events service rounds and records it.
const hoursBody = strictObject({ volunteerId: id(), serviceContent: text(200), startedAt: dateTime(), endedAt: dateTime() });

const activities: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["activities"];
  const creates = { config: { idempotent: true } } as const;
  const activity = (name: string) => params(name as "activityId");

  const listQuery = strictObject({ orgId: Type.Optional(id()), campaignId: Type.Optional(text(80)), teamId: Type.Optional(id()), ...paging });
  const listAnswer = protoJsonWith(e.ListActivitiesResponseSchema, pageAskedFields, ["page", "pageSize"]);
  app.get("/api/v1/activities", { schema: { tags, ...secured, querystring: listQuery, response: answers(listAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    // A team's schedule: a leader or member asking for "their" activities gets their own team's.
    const teamId = q.teamId !== undefined && [Role.TEAM_LEADER, Role.TEAM_MEMBER].includes(caller.role) ? caller.orgId : (q.teamId ?? "");
    const pageNumber = q.page ?? 0;
    const pageSize = q.pageSize ?? 20;
    const res = await clients.events.listActivities({ orgId: q.orgId ?? "", campaignId: q.campaignId ?? "", teamId, page: pageNumber, pageSize }, rpcOptions(request, caller));
    return { ...(json(e.ListActivitiesResponseSchema, res) as object), page: pageNumber, pageSize };
  });
  app.get("/api/v1/activities/:activityId", { schema: { tags, ...secured, params: activity("activityId"), response: answers(protoJson(e.GetActivityResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.GetActivityResponseSchema, await clients.events.getActivity({ activityId: request.params.activityId }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/activities", { ...creates, schema: { tags, ...secured, headers: idempotencyHeader, body: activityBody, response: answers(protoJson(e.PublishActivityResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const place = (await clients.registry.getOrganization({ orgId: b.orgId }, rpcOptions(request, caller))).organization?.place;
    const sessions = b.sessions.map((x) => ({ startsAt: timestamp(x.startsAt), endsAt: timestamp(x.endsAt), resourceId: x.resourceId ?? "", place: x.place ?? "", capacity: x.capacity }));
    const input = { title: b.title, theme: enumValue(Theme, "THEME_", b.theme), format: enumValue(Format, "FORMAT_", b.format), audience: enumValue(Audience, "AUDIENCE_", b.audience), ...(place ? { place } : {}), campaignId: b.campaignId ?? "", teamId: b.teamId ?? "", sessions, forCredit: b.forCredit ?? false };
    return json(e.PublishActivityResponseSchema, await clients.events.publishActivity(input, rpcOptions(request, caller))); // 发布活动
  });
  app.get("/api/v1/activities/:activityId/attendance", { schema: { tags, ...secured, params: activity("activityId"), querystring: strictObject(paging), response: answers(protoJsonWith(e.ListAttendanceResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const res = await clients.events.listAttendance({ activityId: request.params.activityId }, rpcOptions(request, caller));
    const one = paged("bookings", res.bookings, (booking) => booking.bookingId, request.query);
    return { ...one, bookings: one.bookings.map((booking) => json(e.BookingSchema, booking)), checkedIn: res.checkedIn };
  });
  const summaryBody = strictObject({ text: text(5000), photoUrls: Type.Optional(Type.Array(text(500), { maxItems: 20 })) });
  app.post("/api/v1/activities/:activityId/summary", { ...creates, schema: { tags, ...secured, headers: idempotencyHeader, params: activity("activityId"), body: summaryBody, response: answers(protoJson(e.FileSummaryResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    return json(e.FileSummaryResponseSchema, await clients.events.fileSummary({ activityId: request.params.activityId, text: b.text, photoUrls: b.photoUrls ?? [] }, rpcOptions(request, caller))); // 图文总结
  });
  app.post("/api/v1/activities/:activityId/hours", { ...creates, schema: { tags, ...secured, headers: idempotencyHeader, params: activity("activityId"), body: hoursBody, response: answers(protoJson(e.RecordServiceHoursResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const teamId = caller.role === Role.TEAM_LEADER ? caller.orgId : "";
    const input = { activityId: request.params.activityId, volunteerId: b.volunteerId, teamId, serviceContent: b.serviceContent, startedAt: timestamp(b.startedAt), endedAt: timestamp(b.endedAt) };
    return json(e.RecordServiceHoursResponseSchema, await clients.events.recordServiceHours(input, rpcOptions(request, caller)));
  });
  // Summary photos arrive as the image itself (image/jpeg, image/png, image/webp; at most 2 MB).
  const photoBody = { content: Object.fromEntries(photoTypes.map((type) => [type, { schema: { type: "string", format: "binary" } }])) };
  app.post("/api/v1/activities/:activityId/photos", { ...creates, bodyLimit: 2 * 1024 * 1024 + 1, schema: { tags, ...secured, headers: idempotencyHeader, params: activity("activityId"), body: Type.Unsafe<Buffer>(photoBody), response: answers(protoJson(e.UploadPhotoResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = String(request.headers["content-type"] ?? "").split(";")[0]!.trim();
    return json(e.UploadPhotoResponseSchema, await clients.events.uploadPhoto({ activityId: request.params.activityId, contentType, content }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/photos/:photoId", { schema: { tags, ...secured, params: params("photoId"), response: fileAnswer(photoTypes, "照片本身 / the image itself") } }, async (request, reply) => {
    const caller = signedIn(request);
    const photo = await clients.events.getPhoto({ photoId: request.params.photoId }, rpcOptions(request, caller));
    return reply.header("content-type", photo.contentType).header("cache-control", "private, max-age=86400").send(Buffer.from(photo.content));
  });
  app.post("/api/v1/activities/:activityId/complete", { schema: { tags, ...secured, params: activity("activityId"), body: Type.Optional(strictObject({ walkIns: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })), noAttendanceReason: Type.Optional(text(500, "没人来时必填：原因 / required when nobody came: why")) })), response: answers(protoJson(e.CompleteActivityResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.CompleteActivityResponseSchema, await clients.events.completeActivity({ activityId: request.params.activityId, walkIns: request.body?.walkIns ?? 0, noAttendanceReason: request.body?.noAttendanceReason ?? "" }, rpcOptions(request, caller)));
  });
  const overdueQuery = strictObject({ orgId: Type.Optional(id()), campaignId: Type.Optional(text(80)), ...paging });
  app.get("/api/v1/summaries/overdue", { schema: { tags, ...secured, querystring: overdueQuery, response: answers(protoJsonWith(e.ListOverdueSummariesResponseSchema, pageFields, page)) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    const res = await clients.events.listOverdueSummaries({ orgId: q.orgId ?? caller.orgId, campaignId: q.campaignId ?? "" }, rpcOptions(request, caller));
    const one = paged("activities", res.activities, (a) => a.activityId, q);
    return { ...one, activities: one.activities.map((a) => json(e.ActivitySchema, a)) };
  });

  // ---- bookings and check-ins ------------------------------------------------------------------
  // studentId: a seat for a child of the caller's (one she registered under 我的学分); none for herself.
  // The body is optional: a booking for herself may send none (it always could).
  const noBodyIsEmpty = async (request: { body?: unknown }) => void (request.body ??= {});
  app.post("/api/v1/activities/:activityId/sessions/:sessionId/bookings", { ...creates, preValidation: noBodyIsEmpty, schema: { tags, ...secured, headers: idempotencyHeader, params: params("activityId", "sessionId"), body: strictObject({ studentId: Type.Optional(id()) }), response: answers(protoJson(e.BookResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const { activityId, sessionId } = request.params;
    return json(e.BookResponseSchema, await clients.events.book({ activityId, sessionId, studentId: request.body.studentId ?? "" }, rpcOptions(request, caller))); // 预约
  });
  app.get("/api/v1/me/bookings", { schema: { tags, ...secured, querystring: strictObject(paging), response: answers(protoJsonWith(e.ListMyBookingsResponseSchema, pageAskedFields, ["page", "pageSize"])) } }, async (request) => {
    const caller = signedIn(request);
    const [page, pageSize] = [request.query.page ?? 0, request.query.pageSize ?? defaultPageSize];
    const res = await clients.events.listMyBookings({ page, pageSize }, rpcOptions(request, caller)); // the events service pages (issue 20)
    return { ...(json(e.ListMyBookingsResponseSchema, res) as object), page, pageSize };
  });
  app.post("/api/v1/bookings/:bookingId/cancel", { schema: { tags, ...secured, params: params("bookingId"), body: Type.Optional(strictObject({ reason: Type.Optional(text(200)) })), response: answers(protoJson(e.CancelBookingResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.CancelBookingResponseSchema, await clients.events.cancelBooking({ bookingId: request.params.bookingId, reason: request.body?.reason ?? "" }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/bookings/:bookingId/check-in-token", { schema: { tags, ...secured, params: params("bookingId"), response: answers(protoJson(e.GetCheckInTokenResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.GetCheckInTokenResponseSchema, await clients.events.getCheckInToken({ bookingId: request.params.bookingId }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/check-ins", { ...creates, schema: { tags, ...secured, headers: idempotencyHeader, body: strictObject({ token: Type.Optional(text(300)), bookingId: Type.Optional(id()) }), response: answers(protoJson(e.CheckInResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.CheckInResponseSchema, await clients.events.checkIn({ token: request.body.token ?? "", bookingId: request.body.bookingId ?? "" }, rpcOptions(request, caller))); // 签到
  });
};

export default activities;
