import type { Collection, Db, Document } from "mongodb";
import type { EventEnvelope } from "@kepu/bus";
import { saveAggregate, type SaveResult } from "@kepu/outbox";
import type { MergeState } from "../domain/merge.js";

interface MergeDocument extends MergeState {
  _id: string;
  /** The members' order ids, to find the merges naming an order. */
  orderIds: string[];
  proposedAt: Date;
}

/** Merges (merge.ts) as aggregate documents: state and outbox in one document per merge. */
export class MergeStore {
  readonly merges: Collection<Document>;

  constructor(
    db: Db,
    private readonly topic: string,
  ) {
    this.merges = db.collection("merges");
  }

  async createIndexes(): Promise<void> {
    await this.merges.createIndex({ orderIds: 1 });
    await this.merges.createIndex({ outboxCount: 1 });
  }

  async load(mergeId: string): Promise<MergeState | undefined> {
    const doc = (await this.merges.findOne({ _id: mergeId as never }, { projection: { outbox: 0 } })) as MergeDocument | null;
    return doc ? toState(doc) : undefined;
  }

  /** The newest merge naming this order. */
  async newestFor(orderId: string): Promise<MergeState | undefined> {
    const doc = (await this.merges.find({ orderIds: orderId }, { projection: { outbox: 0 } }).sort({ proposedAt: -1 }).limit(1).next()) as MergeDocument | null;
    return doc ? toState(doc) : undefined;
  }

  save(before: MergeState | undefined, after: MergeState, events: EventEnvelope[], at: Date): Promise<SaveResult> {
    const { mergeId, version, ...fields } = after;
    const orderIds = after.members.map((m) => m.orderId);
    return saveAggregate(this.merges, {
      id: mergeId,
      expectedVersion: before?.version ?? 0,
      version,
      state: before ? { ...fields, orderIds } : { ...fields, orderIds, proposedAt: at },
      topic: this.topic,
      events,
    });
  }
}

function toState(doc: MergeDocument): MergeState {
  return {
    mergeId: doc._id,
    status: doc.status,
    members: doc.members,
    proposedById: doc.proposedById,
    proposedByOrgId: doc.proposedByOrgId,
    note: doc.note,
    leadOrderId: doc.leadOrderId,
    mergedOrderIds: doc.mergedOrderIds ?? [],
    version: doc.version,
  };
}
