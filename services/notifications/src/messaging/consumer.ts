import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Kafka } from "kafkajs";
import { EventConsumer, occurredAt, type ConsumedEvent } from "@kepu/bus";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import {
  ConsentMethod,
  OrderAcceptedSchema,
  OrderCancelledSchema,
  OrderCommunityMovedSchema,
  OrderDeclinedSchema,
  OrderDeliveredSchema,
  OrderDispatchedSchema,
  OrderEscalatedSchema,
  OrderPooledSchema,
  OrderRejectedSchema,
  OrderSubmittedSchema,
} from "@kepu/contracts/dispatch/v1/events_pb";
import {
  ActivityCancelledSchema,
  ActivityCompletedSchema,
  ActivityScheduledSchema,
  BookingCancelledSchema,
  BookingMadeSchema,
  BookingPromotedSchema,
  SessionAddedSchema,
  SummaryFiledSchema,
  type Session,
} from "@kepu/contracts/events/v1/events_pb";
import {
  BaseAssessedSchema,
  BaseCertifiedSchema,
  BaseStatus,
  BaseStatusChangedSchema,
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  OrganizationRegisteredSchema,
  OrganizationRenamedSchema,
  TeamRegisteredSchema,
  TeamUpdatedSchema,
} from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";
import type { Reminders } from "../delivery/reminders.js";
import { whoIsTold, type Happening } from "../domain/rules.js";
import type { Notifier } from "../notifier.js";
import type { ReadModel, SessionFacts } from "../store/read-model.js";

export interface ConsumerDeps {
  readModel: ReadModel;
  notifier: Notifier;
  reminders: Reminders;
  logger: Logger;
}


/**
 * A session's place as people read it: an activity made from an order is held in its community, and
 * the events service gives the community's org id as the place; a notice names the community instead.
 * Any other place is the organizer's own words.
 */
async function sessionFacts(sessions: Session[], readModel: ConsumerDeps["readModel"]): Promise<SessionFacts[]> {
  const placeName = async (place: string) => (place ? ((await readModel.name(`org:${place}`))?.name ?? place) : "");
  return Promise.all(sessions.filter((s) => s.startsAt).map(async (s) => ({ sessionId: s.sessionId, startsAt: timestampDate(s.startsAt!), place: await placeName(s.place) })));
}

const baseStatusText: Record<BaseStatus, [string, string]> = {
  [BaseStatus.UNSPECIFIED]: ["状态已更新", "status updated"],
  [BaseStatus.ACTIVE]: ["已恢复正常", "active"],
  [BaseStatus.UNDER_REVIEW]: ["进入复核", "under review"],
  [BaseStatus.SUSPENDED]: ["已暂停", "suspended"],
  [BaseStatus.REVOKED]: ["已撤销认定", "certification revoked"],
  [BaseStatus.APPLIED]: ["已提交申请，待审核", "application submitted, awaiting review"],
  [BaseStatus.REJECTED]: ["申请未通过", "application rejected"],
};

/** How the resident agreed to an order placed for her (代点单), as she reads it. */
const consentText: Record<ConsentMethod, [string, string]> = {
  [ConsentMethod.UNSPECIFIED]: ["已确认", "agreed"],
  [ConsentMethod.ORAL]: ["口头确认", "agreed in person"],
  [ConsentMethod.PHONE]: ["电话确认", "agreed by phone"],
  [ConsentMethod.WRITTEN]: ["书面确认", "agreed in writing"],
};

/**
 * One consumer group on every topic: each event updates the read model (names, orders,
 * activities, seats) and, through the pure rules, tells whom it concerns. The group commits an
 * event's offset only after its handler returned, i.e. after its notifications are stored.
 */
export function notificationsConsumer(kafka: Kafka, groupId: string, topics: string[], deps: ConsumerDeps): EventConsumer {
  const { readModel, notifier, reminders } = deps;
  const tell = async (event: ConsumedEvent<unknown>, happening: Happening) => {
    await notifier.notify(event.envelope.eventId, occurredAt(event.envelope), whoIsTold(happening));
  };
  const teamName = async (teamId: string) => (await readModel.name(`team:${teamId}`))?.name ?? "";

  return new EventConsumer(kafka, { groupId, topics, logger: deps.logger })
    // The registry: names and where teams serve.
    .on(OrganizationRegisteredSchema, (e) => readModel.setName(`org:${e.payload.orgId}`, { name: e.payload.name }))
    .on(OrganizationRenamedSchema, (e) => readModel.setName(`org:${e.payload.orgId}`, { name: e.payload.name }))
    .on(TeamRegisteredSchema, (e) => readModel.setName(`team:${e.payload.teamId}`, { name: e.payload.name, orgId: e.payload.orgId, serviceAreaOrgIds: e.payload.serviceAreaOrgIds }))
    .on(TeamUpdatedSchema, (e) => readModel.setName(`team:${e.payload.teamId}`, { name: e.payload.name, serviceAreaOrgIds: e.payload.serviceAreaOrgIds }))
    .on(MenuItemPublishedSchema, (e) => readModel.setName(`menu:${e.payload.item?.itemId ?? e.envelope.aggregateId}`, { name: e.payload.item?.title ?? "" }))
    .on(MenuItemEditedSchema, (e) => readModel.setName(`menu:${e.payload.item?.itemId ?? e.envelope.aggregateId}`, { name: e.payload.item?.title ?? "" }))
    .on(BaseCertifiedSchema, async (e) => {
      const { baseId, name, orgId } = e.payload;
      await readModel.setName(`base:${baseId}`, { name, orgId });
      await tell(e, { kind: "baseStep", baseOrgId: orgId, baseName: name, step: "certified", detail: "已通过认定，成为科普基地", detailEn: "certified as a science base" });
    })
    .on(BaseStatusChangedSchema, async (e) => {
      const base = await readModel.name(`base:${e.payload.baseId}`);
      const [zh, en] = baseStatusText[e.payload.status] ?? baseStatusText[BaseStatus.UNSPECIFIED];
      const why = e.payload.reason ? `（${e.payload.reason}）` : "";
      await tell(e, { kind: "baseStep", baseOrgId: base?.orgId ?? "", baseName: base?.name ?? "", step: "status", detail: `${zh}${why}`, detailEn: en });
    })
    .on(BaseAssessedSchema, async (e) => {
      const base = await readModel.name(`base:${e.payload.baseId}`);
      const passed = e.payload.passed;
      await tell(e, { kind: "baseStep", baseOrgId: base?.orgId ?? "", baseName: base?.name ?? "", step: "assessed", detail: `${e.payload.year}年度考核${passed ? "合格" : "未通过"}`, detailEn: `${e.payload.year} assessment ${passed ? "passed" : "not passed"}` });
    })
    // Dispatch: the order's life.
    .on(OrderSubmittedSchema, async (e) => {
      const { orderId, requesterId, request } = e.payload;
      const title = request?.title || (await readModel.name(`menu:${request?.menuItemId ?? ""}`))?.name || "";
      await readModel.orderSubmitted(orderId, { requesterId, communityOrgId: request?.community?.orgId ?? "", communityPath: request?.community?.path ?? [], title });
      // 代点单: the resident is told who ordered for her (by SMS too, if a phone is known).
      const onBehalf = e.payload.onBehalf;
      if (onBehalf) await tell(e, { kind: "orderPlacedForYou", order: await readModel.order(orderId), placerName: onBehalf.placedByName, consent: consentText[onBehalf.consent] ?? consentText[ConsentMethod.UNSPECIFIED] });
    })
    // The community was reorganized (relocated): its staff and the teams serving its new place are told from now on.
    .on(OrderCommunityMovedSchema, (e) => readModel.orderMoved(e.payload.orderId, { communityOrgId: e.payload.community?.orgId ?? "", communityPath: e.payload.community?.path ?? [] }))
    .on(OrderDispatchedSchema, async (e) => tell(e, { kind: "orderDispatched", order: await readModel.order(e.payload.orderId), teamIds: e.payload.teamIds }))
    .on(OrderAcceptedSchema, async (e) => {
      await readModel.orderAccepted(e.payload.orderId, e.payload.teamId);
      await tell(e, { kind: "orderAccepted", order: await readModel.order(e.payload.orderId), teamName: await teamName(e.payload.teamId) });
    })
    .on(OrderDeclinedSchema, async (e) => {
      const { orderId, teamId, reason, stillOpen } = e.payload;
      await tell(e, { kind: "orderDeclined", order: await readModel.order(orderId), teamName: await teamName(teamId), reason, stillOpen });
    })
    .on(OrderPooledSchema, async (e) => {
      const order = await readModel.order(e.payload.orderId);
      await tell(e, { kind: "orderPooled", order, poolOrgId: e.payload.poolOrgId, areaTeamIds: await readModel.teamsServing(order.communityPath) });
    })
    .on(OrderEscalatedSchema, async (e) => tell(e, { kind: "orderEscalated", order: await readModel.order(e.payload.orderId), toOrgId: e.payload.toOrgId, reason: e.payload.reason }))
    .on(OrderRejectedSchema, async (e) => tell(e, { kind: "orderRejected", order: await readModel.order(e.payload.orderId), reason: e.payload.reason }))
    .on(OrderCancelledSchema, async (e) => {
      const order = await readModel.order(e.payload.orderId);
      const actor = e.envelope.actor;
      const byRequester = actor?.role === Role.RESIDENT || (!!actor?.id && actor.id === order.requesterId);
      await tell(e, { kind: "orderCancelled", order, reason: e.payload.reason, byRequester, teamId: order.acceptedTeamId });
    })
    .on(OrderDeliveredSchema, async (e) => tell(e, { kind: "orderDelivered", order: await readModel.order(e.payload.orderId) }))
    // Events: activities, sessions, bookings.
    .on(ActivityScheduledSchema, async (e) => {
      const { activityId, orderId, title, organizerOrgId, sessions } = e.payload;
      const facts = await sessionFacts(sessions, readModel);
      await readModel.activityScheduled(activityId, { title, orderId, organizerOrgId, sessions: facts });
      await reminders.schedule(activityId, facts);
      if (orderId) {
        const first = facts[0];
        await tell(e, { kind: "activityScheduled", order: await readModel.order(orderId), activityId, title, startsAt: first?.startsAt, place: first?.place ?? "" });
      }
    })
    .on(SessionAddedSchema, async (e) => {
      const facts = await sessionFacts(e.payload.session ? [e.payload.session] : [], readModel);
      for (const session of facts) await readModel.sessionAdded(e.payload.activityId, session);
      await reminders.schedule(e.payload.activityId, facts);
    })
    .on(BookingMadeSchema, async (e) => {
      const { activityId, sessionId, bookingId, residentId, waitlisted } = e.payload;
      if (!waitlisted) await readModel.seated(activityId, sessionId, bookingId, residentId);
    })
    .on(BookingCancelledSchema, async (e) => {
      const { activityId, sessionId, bookingId, residentId } = e.payload;
      await readModel.unseated(activityId, sessionId, bookingId, residentId);
    })
    .on(BookingPromotedSchema, async (e) => {
      const { activityId, sessionId, bookingId, residentId } = e.payload;
      await readModel.seated(activityId, sessionId, bookingId, residentId);
      const activity = await readModel.activity(activityId);
      const startsAt = activity?.sessions.find((s) => s.sessionId === sessionId)?.startsAt;
      await tell(e, { kind: "bookingPromoted", activityId, title: activity?.title ?? "", residentId, startsAt });
    })
    .on(SummaryFiledSchema, async (e) => {
      const activityId = e.payload.activityId;
      await readModel.activityFlag(activityId, "summaryFiled");
      const activity = await readModel.activity(activityId);
      if (activity?.orderId) await tell(e, { kind: "summaryFiled", activityId, title: activity.title, requesterId: (await readModel.order(activity.orderId)).requesterId });
    })
    .on(ActivityCompletedSchema, async (e) => {
      const activity = await readModel.activity(e.payload.activityId);
      await tell(e, { kind: "activityCompleted", activityId: e.payload.activityId, title: activity?.title ?? "", organizerOrgId: activity?.organizerOrgId ?? "", summaryFiled: activity?.summaryFiled ?? false });
    })
    .on(ActivityCancelledSchema, (e) => readModel.activityFlag(e.payload.activityId, "cancelled"));
}

