import { MongoBulkWriteError, type Collection, type Db, type Document, type Filter, type UpdateFilter } from "mongodb";
import { applyVersionedBatch } from "@kepu/idempotency";
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

/** One fact document per aggregate, updated at most once per event (by aggregate version). */
export class FactStore {
  readonly facts: Record<FactKind, Collection<Document>>;
  /** Who checked in where, one document per check-in: people are counted distinct across activities from these. */
  readonly checkIns: Collection<CheckInDoc>;
  readonly meta: Collection<Document>;

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
      const duplicatesOnly = error instanceof MongoBulkWriteError && [error.writeErrors].flat().every((e) => e.code === DUPLICATE_KEY);
      if (!duplicatesOnly) throw error;
      return error.insertedCount;
    }
  }

  /** Many events' changes, in order; returns how many applied (the rest were already seen). */
  async applyAll(changes: { kind: FactKind; id: string; version: number; update: UpdateFilter<Document> }[]): Promise<number> {
    const byKind = new Map<FactKind, typeof changes>();
    for (const change of changes) (byKind.get(change.kind) ?? byKind.set(change.kind, []).get(change.kind)!).push(change);
    const applied = await Promise.all([...byKind].map(([kind, list]) => applyVersionedBatch(this.facts[kind], list)));
    return applied.reduce((sum, n) => sum + n, 0);
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
