import type { Collection, Db, Document } from "mongodb";
import type { EventEnvelope } from "@kepu/bus";
import { saveAggregate, type SaveResult } from "@kepu/outbox";
import type { CreditRuleSet } from "../domain/credits.js";

/**
 * 科普教育学分 credit rules as data: collection `credit_rules`, one document per owning association
 * (`_id` = its org id) holding its whole set, saved with its CreditRulesChanged event through the
 * outbox. Every read is by `_id` (or of the whole, small collection: the city and its districts).
 */
export class CreditRuleStore {
  readonly sets: Collection<Document>;

  constructor(
    db: Db,
    private readonly topic: string,
  ) {
    this.sets = db.collection("credit_rules");
  }

  async load(ownerOrgId: string): Promise<CreditRuleSet | undefined> {
    const doc = await this.sets.findOne({ _id: ownerOrgId as never }, { projection: { outbox: 0 } });
    return doc ? toSet(doc) : undefined;
  }

  /** The sets of the owners on an activity's path (its org and ancestors): one read by `_id` each. */
  async onPath(path: readonly string[]): Promise<CreditRuleSet[]> {
    const sets = await Promise.all(path.filter(Boolean).map((orgId) => this.load(orgId)));
    return sets.filter((s): s is CreditRuleSet => s !== undefined);
  }

  /** Every set, the city's first. */
  async list(): Promise<CreditRuleSet[]> {
    const docs = await this.sets.find({}, { projection: { outbox: 0 } }).toArray();
    return docs.map(toSet).sort((a, b) => a.ownerPath.length - b.ownerPath.length || a.ownerOrgId.localeCompare(b.ownerOrgId));
  }

  /** Replaces the set at the version it was read at (0: none yet); "conflict" when someone changed it meanwhile. */
  save(set: CreditRuleSet, expectedVersion: number, events: EventEnvelope[]): Promise<SaveResult> {
    const { ownerOrgId, version, ...state } = set;
    return saveAggregate(this.sets, { id: ownerOrgId, expectedVersion, version, state, topic: this.topic, events });
  }
}

function toSet(doc: Document): CreditRuleSet {
  return {
    ownerOrgId: String(doc._id),
    ownerPath: (doc.ownerPath as string[]) ?? [],
    rules: (doc.rules as CreditRuleSet["rules"]) ?? [],
    version: Number(doc.version ?? 0),
    changedBy: String(doc.changedBy ?? ""),
    changedAt: new Date(doc.changedAt as Date),
  };
}
