// A resident moving to another community: each move recorded (who, from, to, when) in the
// gateway's own database (collection `resident_moves`), newest last. The resident's id never
// reveals her phone (ResidentCodes), so neither does this record.
import type { Collection, Db } from "mongodb";
import { randomUUID } from "node:crypto";

export interface ResidentMove {
  _id: string;
  residentId: string;
  fromCommunityId: string;
  toCommunityId: string;
  movedAt: Date;
}

export class ResidentMoves {
  private readonly moves: Collection<ResidentMove>;

  constructor(db: Db) {
    this.moves = db.collection<ResidentMove>("resident_moves");
  }

  async createIndexes(): Promise<void> {
    await this.moves.createIndex({ residentId: 1, movedAt: 1 });
  }

  async record(residentId: string, fromCommunityId: string, toCommunityId: string, movedAt = new Date()): Promise<ResidentMove> {
    const move = { _id: randomUUID(), residentId, fromCommunityId, toCommunityId, movedAt };
    await this.moves.insertOne(move);
    return move;
  }

  /** Her moves, oldest first. */
  of(residentId: string): Promise<ResidentMove[]> {
    return this.moves.find({ residentId }).sort({ movedAt: 1 }).toArray();
  }
}
