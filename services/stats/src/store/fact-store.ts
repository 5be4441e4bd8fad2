import { MongoBulkWriteError, type Collection, type Db, type Document, type Filter, type UpdateFilter } from "mongodb";
import { applyUpdate, applyVersionedBatch, type VersionedChange } from "@kepu/idempotency";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import type { AnnualReturnFacts, BaseFact, TeamFact } from "../domain/annual-return.js";
import type { ActivityFact, Facts, MenuFact, OrderFact, OrgFact, Slice } from "../domain/figures.js";

export type FactKind = "orders" | "activities" | "menu" | "orgs" | "teams" | "bases";

/** One check-in (AttendeeCheckedIn): who came to which activity, and when. */
export interface CheckIn {
  /** Derived from the booking, so the same check-in delivered twice is one document. */
  id: string;
  activityId: string;
  residentId: string;
  sessionId: string;
  at: Date;
}

type CheckInDoc = Omit<CheckIn, "id"> & { _id: string };
const DUPLICATE_KEY = 11000;
/** How many fact ids the store remembers as written (a few MB): their changes skip the insert attempt. */
const knownLimit = 100_000;

/**
 * One document's changes as the read-then-replace path would apply them to a document it has not
 * seen: the first, then each of a newer version than the one before (a repeat inside the batch
 * changes nothing).
 */
export function newerEach(list: VersionedChange[]): VersionedChange[] {
  const kept: VersionedChange[] = [];
  for (const change of list) if (kept.length === 0 || change.version > kept.at(-1)!.version) kept.push(change);
  return kept;
}

/** The document a run of changes makes from nothing: what an upsert of them all would leave. */
export function documentFrom(id: string, list: VersionedChange[]): Document {
  let doc: Document = { _id: id };
  for (const change of list) doc = { ...applyUpdate(doc, change.update), version: change.version };
  return doc;
}

/** The indexes of an unordered insert's documents that were already there; other errors are thrown. */
function duplicatesOf(error: unknown): number[] {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  const errors = [error.writeErrors].flat();
  if (!errors.every((e) => e.code === DUPLICATE_KEY)) throw error;
  return errors.map((e) => e.index);
}

/** One fact document per aggregate, updated at most once per event (by aggregate version). */
export class FactStore {
  readonly facts: Record<FactKind, Collection<Document>>;
  /** Who checked in where, one document per check-in: people are counted distinct across activities from these. */
  readonly checkIns: Collection<CheckInDoc>;
  readonly meta: Collection<Document>;
  /** Fact ids this process has seen written (`kind/id`), oldest first; forgotten on reset. A stale entry only costs a read. */
  private readonly known = new Set<string>();

  constructor(db: Db) {
    this.facts = {
      orders: db.collection("order_facts"),
      activities: db.collection("activity_facts"),
      menu: db.collection("menu_facts"),
      orgs: db.collection("org_facts"),
      teams: db.collection("team_facts"),
      bases: db.collection("base_facts"),
    };
    this.checkIns = db.collection("checkin_facts");
    this.meta = db.collection("projection_meta");
  }

  async createIndexes(): Promise<void> {
    for (const collection of Object.values(this.facts)) await collection.createIndex({ path: 1 });
    await this.checkIns.createIndex({ activityId: 1 });
  }

  /**
   * Keeps check-ins, each once: one unordered insert for the lot; a check-in already kept (a
   * redelivery, a replay over facts not reset) is a duplicate key and changes nothing.
   * Returns how many were new.
   */
  async recordCheckIns(checkIns: CheckIn[]): Promise<number> {
    const docs = [...new Map(checkIns.map(({ id, ...rest }) => [id, { _id: id, ...rest }])).values()];
    if (docs.length === 0) return 0;
    try {
      return (await this.checkIns.insertMany(docs, { ordered: false })).insertedCount;
    } catch (error) {
      return docs.length - duplicatesOf(error).length;
    }
  }

  /**
   * Many events' changes, in order; returns how many applied (the rest were already seen).
   * A document not known to exist is first inserted whole, made from its changes — one insert for
   * all such documents of a kind, which is how a replay meets nearly every fact (each aggregate's
   * events lie together in its partition). Where the insert finds the document already there,
   * and for documents known to exist, the changes go the read-and-replace way that skips what the
   * document's version has seen (applyVersionedBatch): a redelivery changes nothing either way.
   */
  async applyAll(changes: { kind: FactKind; id: string; version: number; update: UpdateFilter<Document> }[]): Promise<number> {
    const byKind = new Map<FactKind, Map<string, VersionedChange[]>>();
    for (const { kind, ...change } of changes) {
      const byId = byKind.get(kind) ?? byKind.set(kind, new Map()).get(kind)!;
      (byId.get(change.id) ?? byId.set(change.id, []).get(change.id)!).push(change);
    }
    const applied = await Promise.all([...byKind].map(([kind, byId]) => this.applyKind(kind, byId)));
    return applied.reduce((sum, n) => sum + n, 0);
  }

  private async applyKind(kind: FactKind, byId: Map<string, VersionedChange[]>): Promise<number> {
    const collection = this.facts[kind];
    const fresh: [string, VersionedChange[]][] = [];
    const existing: VersionedChange[] = [];
    for (const [id, list] of byId) {
      if (this.known.has(`${kind}/${id}`)) existing.push(...list);
      else fresh.push([id, newerEach(list)]);
    }
    let inserted = 0;
    if (fresh.length > 0) {
      const docs = fresh.map(([id, list]) => documentFrom(id, list));
      let duplicates: number[] = [];
      try {
        await collection.insertMany(docs, { ordered: false });
      } catch (error) {
        duplicates = duplicatesOf(error);
      }
      const there = new Set(duplicates);
      fresh.forEach(([id], i) => (there.has(i) ? existing.push(...byId.get(id)!) : (inserted += fresh[i]![1].length)));
    }
    const replaced = existing.length > 0 ? await applyVersionedBatch(collection, existing) : 0;
    for (const id of byId.keys()) this.remember(`${kind}/${id}`);
    return inserted + replaced;
  }

  private remember(key: string): void {
    this.known.delete(key);
    this.known.add(key);
    if (this.known.size > knownLimit) this.known.delete(this.known.values().next().value!);
  }

  /** The facts a slice needs: narrowed by org subtree and the dimensions in the database, the rest in code. */
  async load(slice: Slice): Promise<Facts> {
    const filter: Filter<Document> = {};
    if (slice.orgId) filter.path = slice.orgId;
    if (slice.theme) filter.theme = slice.theme;
    // Every org (a few thousand at most): names for the rows, and where menu items' service areas lie.
    const [orders, activities, menu, orgDocs] = await Promise.all([this.orders(filter), this.activities(filter), this.facts.menu.find({}).toArray(), this.facts.orgs.find({}).toArray()]);
    const orgs = orgDocs.map((d) => ({ ...d, orgId: String(d._id), path: d.path ?? [] }) as unknown as OrgFact);
    return {
      orders,
      activities,
      menu: menu.map((d) => ({ audiences: [], format: 0, areaOrgId: "", ...d, itemId: String(d._id) }) as unknown as MenuFact),
      communities: orgs.filter((o) => o.kind === OrgKind.COMMUNITY && (!slice.orgId || o.path.includes(slice.orgId))),
      orgs,
    };
  }

  private async orders(filter: Filter<Document>): Promise<OrderFact[]> {
    return (await this.facts.orders.find(filter).toArray()).map((d) => ({ declines: 0, escalations: 0, ...d, orderId: String(d._id) }) as unknown as OrderFact);
  }

  /**
   * Activities with who checked in at each. The check-ins are read whole and matched in code: a
   * filter by a list of activity ids would be evaluated per document by FerretDB (ENGINEERING.md).
   */
  private async activities(filter: Filter<Document>): Promise<ActivityFact[]> {
    const [docs, checkIns] = await Promise.all([
      this.facts.activities.find(filter).toArray(),
      this.checkIns.find({}, { projection: { activityId: 1, residentId: 1 } }).toArray(),
    ]);
    const residents = new Map<string, string[]>(docs.map((d) => [String(d._id), []]));
    for (const c of checkIns) residents.get(c.activityId)?.push(c.residentId);
    return docs.map((d) => ({ sessions: 0, participants: 0, serviceHours: 0, ratings: 0, ratingSum: 0, ...d, activityId: String(d._id), residents: residents.get(String(d._id))! }) as unknown as ActivityFact);
  }

  /** What the annual return of an org's subtree needs: its districts, their orders, activities, teams and bases. */
  async loadAnnualReturn(orgId: string): Promise<AnnualReturnFacts> {
    const inTree = orgId ? { path: orgId } : {};
    const [orders, activities, districts, teams, bases] = await Promise.all([
      this.orders(inTree),
      this.activities(inTree),
      this.facts.orgs.find({ kind: OrgKind.DISTRICT, ...inTree }).sort({ _id: 1 }).toArray(),
      this.facts.teams.find(inTree).toArray(),
      this.facts.bases.find(inTree).toArray(),
    ]);
    return {
      activities,
      orders,
      districts: districts.map((d) => ({ orgId: String(d._id), name: String(d.name ?? d._id) })),
      teams: teams.map((d) => ({ volunteers: 0, ...d, teamId: String(d._id) }) as unknown as TeamFact),
      bases: bases.map((d) => ({ ...d, baseId: String(d._id) }) as unknown as BaseFact),
    };
  }

  /** Forget every fact: the start of a rebuild by replay. */
  async reset(): Promise<void> {
    this.known.clear();
    for (const collection of Object.values(this.facts)) await collection.deleteMany({});
    await this.checkIns.deleteMany({});
  }

  /** Where an org sits in the tree (it and its ancestors), as the registry's events told; none for an unknown org. */
  async orgPath(orgId: string): Promise<string[]> {
    const doc = await this.facts.orgs.findOne({ _id: orgId as never }, { projection: { path: 1 } });
    return doc?.path ?? [];
  }

  async generation(): Promise<number> {
    return Number((await this.meta.findOne({ _id: "generation" as never }))?.value ?? 1);
  }

  async setGeneration(value: number): Promise<void> {
    await this.meta.updateOne({ _id: "generation" as never }, { $set: { value } }, { upsert: true });
  }
}
