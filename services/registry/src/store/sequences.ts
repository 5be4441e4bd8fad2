// Numbers handed out in sequence (a certificate's 认定编号), without a scan and without a race:
// each number of a series is a document whose _id names it, so two writers that want the same
// number cannot both insert it — the loser takes the next one. FerretDB v1 does not isolate
// concurrent updates of one document (README), so an $inc on one counter document could give
// two writers the same value there; an insert by _id is refused to all but one on every engine.
// A hint document (the series' next free number, by _id) spares trying the taken ones, and a
// holder's claim is remembered by _id, so a decision retried for the same holder keeps its number.
import { MongoServerError, type Collection } from "mongodb";

/** A claim of a number, the series' hint, or a holder's claim: all addressed by _id. */
interface SequenceDoc {
  _id: string;
  /** A number's claim: who holds it. */
  holder?: string;
  /** The hint: the least number that may still be free. */
  next?: number;
  /** A holder's claim: its number. */
  sequence?: number;
}

const DUPLICATE_KEY = 11000;
const isDuplicate = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

export class Sequences {
  constructor(private readonly collection: Collection<SequenceDoc>) {}

  /**
   * The number `holder` holds in `series` (e.g. "base-number:4:2026"): the one it claimed before, or
   * the least free one from the hint on (1 for a new series). Every read and write is by _id.
   */
  async claim(series: string, holder: string): Promise<number> {
    const heldId = `${series}#${holder}`;
    const held = await this.collection.findOne({ _id: heldId });
    if (held?.sequence) return held.sequence;
    let sequence = (await this.collection.findOne({ _id: series }))?.next ?? 1;
    for (; ; sequence++) {
      const id = `${series}:${sequence}`;
      try {
        await this.collection.insertOne({ _id: id, holder });
        break;
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        // Taken — by this holder itself when it stopped before remembering the claim.
        if ((await this.collection.findOne({ _id: id }))?.holder === holder) break;
      }
    }
    await this.collection.updateOne({ _id: heldId }, { $set: { sequence } }, { upsert: true });
    await this.moveHint(series, sequence + 1);
    return sequence;
  }

  /** The hint moves on (never back); two writers creating it at once: the loser updates it. */
  private async moveHint(series: string, next: number): Promise<void> {
    try {
      await this.collection.updateOne({ _id: series }, { $max: { next } }, { upsert: true });
    } catch (error) {
      if (!isDuplicate(error)) throw error;
      await this.collection.updateOne({ _id: series }, { $max: { next } });
    }
  }
}
