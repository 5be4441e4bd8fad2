// An accepted order whose activity could not be scheduled (the events service's
// OrderSchedulingConflicted: a resource its menu item uses is held then by another session). The
// order stays 已接单; its timeline tells the people following it why nothing was scheduled, in
// words and by the colliding activity's title — once per event, however often it is delivered.
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { occurredAt, type ConsumedEvent } from "@kepu/bus";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { OrderSchedulingConflicted } from "@kepu/contracts/events/v1/events_pb";
import type { TimelineRecord } from "../store/order-store.js";

export const schedulingConflictStep = "OrderSchedulingConflicted";

// "2027-09-05 10:00" in Beijing (Sweden's locale writes dates and times in ISO order).
const beijing = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "short" });
const when = (at: Timestamp | undefined) => (at ? beijing.format(timestampDate(at)) : "");

/** The reason a person reads (Chinese first, English second): who holds the resource, and when. */
export function conflictReason(conflict: Pick<OrderSchedulingConflicted, "heldByTitle" | "startsAt" | "endsAt">): string {
  const span = [when(conflict.startsAt), when(conflict.endsAt).slice(11)].filter(Boolean).join("–");
  const by = conflict.heldByTitle || "另一场活动";
  const byEn = conflict.heldByTitle || "another activity";
  return `本单的时段（北京时间 ${span}）所用资源已被「${by}」占用：活动未排期，订单仍为已接单，请与居民另约时间 / In the order's time (${span} Beijing time) a resource it uses is held by "${byEn}": nothing is scheduled and the order stays accepted; agree another time with the resident`;
}

/** The timeline step for the event: by the system, keyed by the event's id. */
export function conflictStep(event: ConsumedEvent<OrderSchedulingConflicted>): TimelineRecord & { eventId: string } {
  return {
    eventType: schedulingConflictStep,
    at: occurredAt(event.envelope),
    actorId: "events",
    actorRole: Role.SYSTEM,
    actorOrgId: "",
    actorName: "系统",
    reason: conflictReason(event.payload),
    teamIds: [],
    eventId: event.envelope.eventId,
  };
}
