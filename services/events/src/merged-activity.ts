// Merged demand (合并需求): the lead order of a merge group is accepted once (dispatch); its
// OrderAccepted names every order of the group. One activity is made from it (Activities.
// createFromOrder, as for any order), sized for the whole group, and the seats each ordering
// community holds are recorded with it (domain/merge-seats.ts). Completing it completes the lead
// order, and dispatch delivers every order of the group with it.
import type { Collection, Db, Document } from "mongodb";
import { create } from "@bufbuild/protobuf";
import { OrderRequestSchema, type OrderAccepted } from "@kepu/contracts/dispatch/v1/events_pb";
import { holdSeats, type SeatHold } from "./domain/merge-seats.js";
import type { ActivityRecord } from "./store/activity-store.js";

export const isMergeGroup = (accepted: OrderAccepted): boolean => accepted.mergedOrders.length > 1;

/** The lead's acceptance, sized for the whole group: expected participants are the group's sum. */
export function groupAcceptance(accepted: OrderAccepted): OrderAccepted {
  const expected = accepted.mergedOrders.reduce((sum, o) => sum + Math.max(0, o.expectedParticipants), 0);
  const request = accepted.request ? { ...accepted.request, expectedParticipants: expected } : create(OrderRequestSchema, { expectedParticipants: expected });
  return { ...accepted, request };
}

export interface MergeSeatHolds {
  activityId: string;
  mergeId: string;
  orderIds: string[];
  capacity: number;
  holds: SeatHold[];
}

/** The seats each ordering community holds on a merge group's activity, one document per activity. */
export class MergeHoldStore {
  private readonly holds: Collection<Document>;

  constructor(db: Db) {
    this.holds = db.collection("merge_seat_holds");
  }

  /** Records the holds once (a redelivered acceptance changes nothing). */
  async record(activity: ActivityRecord, accepted: OrderAccepted): Promise<MergeSeatHolds> {
    const capacity = activity.sessions.reduce((sum, s) => sum + s.capacity, 0);
    const holds = holdSeats(
      capacity,
      accepted.mergedOrders.map((o) => ({ communityId: o.community?.orgId ?? "", expected: o.expectedParticipants })),
    );
    const record: MergeSeatHolds = { activityId: activity.activityId, mergeId: accepted.mergeId, orderIds: accepted.mergedOrders.map((o) => o.orderId), capacity, holds };
    await this.holds.updateOne({ _id: activity.activityId as never }, { $setOnInsert: { ...record } }, { upsert: true });
    return record;
  }

  async of(activityId: string): Promise<MergeSeatHolds | undefined> {
    const doc = await this.holds.findOne({ _id: activityId as never });
    return doc ? { activityId: String(doc._id), mergeId: doc.mergeId as string, orderIds: doc.orderIds as string[], capacity: doc.capacity as number, holds: doc.holds as SeatHold[] } : undefined;
  }
}
