// A resident moving to another community: each move recorded (who, from, to, when) in the
// gateway's own database (collection `resident_moves`), newest last, with its event
// (ResidentMovedCommunity on kepu.registry.v1) in the same document's outbox. A resident's moves
// are numbered from 1 (the _id <residentId>/<n> and the event's aggregate version), so two moves
// at once cannot take the same number. The resident's id never reveals her phone
// (ResidentCodes), so neither does this record.
import type { Collection, Db, Document } from "mongodb";
import { kepuError } from "@kepu/errors";
import { saveAggregate, type OutboxEntry } from "@kepu/outbox";
import { defaultAccountEvents, residentMovedEnvelope, type AccountEvents, type ChangeCause } from "./account-events.js";

export interface ResidentMove {
  _id: string;
  residentId: string;
  fromCommunityId: string;
  toCommunityId: string;
  movedAt: Date;
  version?: number;
  outbox?: OutboxEntry[];
  outboxCount?: number;
}

export class ResidentMoves {
  private readonly moves: Collection<ResidentMove>;

  constructor(
    db: Db,
    private readonly events: AccountEvents = defaultAccountEvents,
  ) {
    this.moves = db.collection<ResidentMove>("resident_moves");
  }

  /** The collection the relay publishes the moves' events from. */
  get collection(): Collection<Document> {
    return this.moves as unknown as Collection<Document>;
  }

  async createIndexes(): Promise<void> {
    await this.moves.createIndex({ residentId: 1, movedAt: 1 });
  }

  /** Her move, recorded with its event; `cause` is her own request (she is the actor). */
  async record(residentId: string, fromCommunityId: string, toCommunityId: string, cause: ChangeCause, movedAt = new Date()): Promise<ResidentMove> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const n = (await this.moves.countDocuments({ residentId })) + 1;
      const move = { _id: `${residentId}/${n}`, residentId, fromCommunityId, toCommunityId, movedAt };
      const { _id, ...state } = move;
      const saved = await saveAggregate(this.collection, { id: _id, expectedVersion: 0, version: n, state, topic: this.events.topic, key: residentId, events: [residentMovedEnvelope(move, n, cause)] });
      if (saved === "saved") {
        this.events.relay?.kick(this.collection, _id);
        return move;
      }
    }
    throw kepuError("conflict", "MOVE_BUSY", "社区变更正在处理，请稍后重试", "Another move of yours is being recorded; please retry", "communityId");
  }

  /** Her moves, oldest first. */
  of(residentId: string): Promise<ResidentMove[]> {
    return this.moves.find({ residentId }, { projection: { outbox: 0 } }).sort({ movedAt: 1 }).toArray();
  }
}
