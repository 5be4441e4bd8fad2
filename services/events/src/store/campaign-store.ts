import { MongoBulkWriteError, type Collection, type Db } from "mongodb";
import type { CampaignRecord } from "../domain/campaign.js";

/** A campaign's document: the record less its id, which is the document's `_id`. */
type CampaignDoc = Omit<CampaignRecord, "campaignId"> & { _id: string };

const toRecord = ({ _id, ...fields }: CampaignDoc): CampaignRecord => ({ ...fields, campaignId: _id });
const toDoc = ({ campaignId, ...fields }: CampaignRecord): CampaignDoc => ({ ...fields, _id: campaignId });

/** Campaigns (活动节点) as data: collection `campaigns`, addressed by `_id` (the campaign id). */
export class CampaignStore {
  readonly campaigns: Collection<CampaignDoc>;

  constructor(db: Db) {
    this.campaigns = db.collection<CampaignDoc>("campaigns");
  }

  async load(campaignId: string): Promise<CampaignRecord | undefined> {
    if (!campaignId) return undefined;
    const doc = await this.campaigns.findOne({ _id: campaignId });
    return doc ? toRecord(doc) : undefined;
  }

  /** Every campaign (a few per year), first day first. */
  async list(): Promise<CampaignRecord[]> {
    const docs = await this.campaigns.find({}).toArray();
    return docs.map(toRecord).sort((a, b) => a.firstDay.localeCompare(b.firstDay) || a.campaignId.localeCompare(b.campaignId));
  }

  /** Stores a new campaign; false when one with that id exists already. */
  async create(record: CampaignRecord): Promise<boolean> {
    const result = await this.campaigns.updateOne({ _id: record.campaignId }, { $setOnInsert: toDoc(record) as Partial<CampaignDoc> }, { upsert: true });
    return result.upsertedCount === 1;
  }

  /** Replaces the campaign at the version it was read at; false when someone changed it meanwhile. */
  async update(before: CampaignRecord, after: CampaignRecord): Promise<boolean> {
    const { _id, ...fields } = toDoc(after);
    const result = await this.campaigns.updateOne({ _id, version: before.version }, { $set: fields });
    return result.matchedCount === 1;
  }

  /** The recurring campaigns of some years, each stored once: an edited one is never overwritten. Returns how many were new. */
  async seed(records: CampaignRecord[]): Promise<number> {
    // One read of the ids there are and one write of the rest: a start costs two round trips, not one per campaign.
    const existing = new Set((await this.campaigns.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const missing = records.filter((r) => !existing.has(r.campaignId)).map(toDoc);
    if (missing.length === 0) return 0;
    try {
      return (await this.campaigns.insertMany(missing, { ordered: false })).insertedCount;
    } catch (error) {
      // Another instance seeded the same ones meanwhile: theirs stand (duplicate keys only).
      if (error instanceof MongoBulkWriteError && [error.writeErrors].flat().every((e) => e.code === 11000)) return error.insertedCount;
      throw error;
    }
  }
}

export type { CampaignRecord };
