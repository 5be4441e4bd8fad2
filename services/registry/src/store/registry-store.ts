import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { MongoBulkWriteError, type Collection, type Db, type Document, type Filter, type OptionalUnlessRequiredId } from "mongodb";
import { newEvent, type EventEnvelope } from "@kepu/bus";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { serializedWrite } from "@kepu/mongo";
import { outboxEntry, saveAggregate, type OutboxFields, type OutboxRelay, type SaveResult } from "@kepu/outbox";
import type { Kind } from "../domain/errors.js";
import { nameKeys } from "../domain/org-names.js";
import { mappings, type Docs, type Fields, type ImportDoc, type States, type VolunteerDoc } from "./documents.js";
import { Sequences } from "./sequences.js";

export type { Kind } from "../domain/errors.js";

export interface Cause {
  correlationId: string;
  actor: Actor | undefined;
}

/** One protobuf event to publish: its schema and payload. */
export interface Outgoing {
  schema: DescMessage;
  payload: MessageInitShape<DescMessage>;
}

/** An aggregate's state as loaded, with the version its next write must expect. */
export interface Stored<S> {
  state: S;
  version: number;
}

/** Which teams a reader may list: the union of these reaches (see use-cases/teams.ts). */
export type TeamReach = { subtreeOf: string } | { servingAnyOf: string[] } | { teamId: string };

export interface TeamQuery {
  /** Teams placed in this org's subtree. */
  under?: string;
  /** Only these reaches (absent: every team). */
  reach?: TeamReach[];
  theme?: Theme;
  /** Teams serving one of these orgs (a place's path). */
  servingAnyOf?: string[];
}

/** A new aggregate as an import creates it: its state after `messages`, its events in order. */
export interface Created<S> {
  id: string;
  state: S;
  messages: Outgoing[];
}

/** Documents per insertMany of `createMany`. */
const bulkSize = 500;

const names: Record<Kind, string> = { organizations: "organizations", teams: "teams", bases: "bases", resources: "resources", menu: "menu_items", brands: "brands" };
const noOutbox = { projection: { outbox: 0, outboxCount: 0 } };

/**
 * The registry's aggregates, one collection each, every change saved with its events in one
 * document write (topic kepu.registry.v1, keyed by the aggregate's id).
 */
export class RegistryStore {
  /** For the outbox relay: the collections whose documents carry events. */
  readonly collections: Record<Kind, Collection<Document>>;
  private readonly volunteers: Collection<VolunteerDoc>;
  private readonly imports: Collection<ImportDoc>;
  /** Numbers handed out in sequence (certificate numbers), each claimed by _id. */
  readonly sequences: Sequences;

  constructor(
    private readonly db: Db,
    private readonly topic: string,
    private readonly relay: OutboxRelay,
  ) {
    this.collections = {
      organizations: db.collection(names.organizations),
      teams: db.collection(names.teams),
      bases: db.collection(names.bases),
      resources: db.collection(names.resources),
      menu: db.collection(names.menu),
      brands: db.collection(names.brands),
    };
    this.volunteers = db.collection<VolunteerDoc>("volunteers");
    this.imports = db.collection<ImportDoc>("imports");
    this.sequences = new Sequences(db.collection("sequences"));
  }

  private typed<K extends Kind>(kind: K): Collection<Docs[K]> {
    return this.db.collection<Docs[K]>(names[kind]);
  }

  async createIndexes(): Promise<void> {
    for (const collection of Object.values(this.collections)) {
      await collection.createIndex({ "place.path": 1 });
      await collection.createIndex({ outboxCount: 1 });
    }
    await this.collections.menu.createIndex({ "item.serviceAreaOrgId": 1 });
    await this.collections.teams.createIndex({ serviceAreaOrgIds: 1 });
    await this.volunteers.createIndex({ teamId: 1 });
    await this.collections.organizations.createIndex({ parentId: 1 });
    await this.collections.organizations.createIndex({ nameKeys: 1 });
    await this.backfillNameKeys();
  }

  /** Orgs stored before they had name keys get them once, at start (the one pass over orgs without them). */
  private async backfillNameKeys(): Promise<void> {
    const orgs = this.typed("organizations");
    for (const doc of await orgs.find({ nameKeys: { $exists: false } }, { projection: { name: 1 } }).toArray()) {
      await orgs.updateOne({ _id: doc._id }, { $set: { nameKeys: nameKeys(doc.name) } });
    }
  }

  // ---- documents -----------------------------------------------------------------------------

  async get<K extends Kind>(kind: K, id: string): Promise<Docs[K] | undefined> {
    return ((await this.typed(kind).findOne({ _id: id } as Filter<Docs[K]>, noOutbox)) as Docs[K] | null) ?? undefined;
  }

  async find<K extends Kind>(kind: K, filter: Filter<Docs[K]>): Promise<Docs[K][]> {
    return (await this.typed(kind).find(filter, noOutbox).toArray()) as Docs[K][];
  }

  /** Creates an aggregate with its first event; creating it again is refused, never doubled. */
  async create<K extends Kind, D extends DescMessage>(kind: K, id: string, fields: Partial<Fields<K>>, schema: D, payload: MessageInitShape<D>, cause: Cause): Promise<Docs[K]> {
    if ((await this.commit(kind, id, 0, fields, [outgoing(schema, payload)], cause)) === "conflict") throw kepuError("conflict", "ALREADY_EXISTS", `${id} 已存在`, `${id} already exists`, "id");
    return { _id: id, ...fields, version: 1 } as Docs[K];
  }

  /**
   * Changes an aggregate's document and records the event. Changes of one aggregate are decided
   * one after the other in this process; another process's change in between is caught by the
   * version and decided again.
   */
  async change<K extends Kind, D extends DescMessage>(kind: K, id: string, apply: (current: Docs[K]) => { state: Partial<Fields<K>>; payload: MessageInitShape<D> }, schema: D, cause: Cause): Promise<Docs[K]> {
    return this.serialized(kind, id, async () => {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const current = await this.get(kind, id);
        if (!current) throw kepuError("not_found", "NOT_FOUND", `${id} 不存在`, `${id} does not exist`, "id");
        const { state, payload } = apply(current);
        const { _id, version, ...fields } = { ...current, ...state };
        if ((await this.commit(kind, id, version, fields as Partial<Fields<K>>, [outgoing(schema, payload)], cause)) === "saved") return { ...current, ...state, version: version + 1 };
      }
      throw kepuError("conflict", "BUSY", "数据正被频繁修改，请稍后重试", "This record is changing quickly; please retry");
    });
  }

  // ---- aggregates, as the use cases see them ---------------------------------------------------

  /** Runs one aggregate's decisions one after another in this process (see @kepu/mongo). */
  serialized<T>(kind: Kind, id: string, write: () => Promise<T>): Promise<T> {
    // Its own key: saveAggregate serializes on the collection's namespace and id, inside this.
    return serializedWrite(`${this.collections[kind].namespace}#decide`, id, write);
  }

  async load<K extends Kind>(kind: K, id: string): Promise<Stored<States[K]> | undefined> {
    const doc = await this.get(kind, id);
    return doc && { state: mappings[kind].toState(doc), version: doc.version };
  }

  async state<K extends Kind>(kind: K, id: string): Promise<States[K] | undefined> {
    return id ? (await this.load(kind, id))?.state : undefined;
  }

  /** The states of those of `ids` that exist, by id. */
  async states<K extends Kind>(kind: K, ids: readonly string[]): Promise<Map<string, States[K]>> {
    const docs = ids.length === 0 ? [] : await this.find(kind, { _id: { $in: [...new Set(ids)] } } as Filter<Docs[K]>);
    return new Map(docs.map((d) => [d._id, mappings[kind].toState(d)]));
  }

  /** Saves the state after `messages` (its events, in order) in one write, if the aggregate is still at `expectedVersion`. */
  save<K extends Kind>(kind: K, id: string, expectedVersion: number, state: States[K], messages: Outgoing[], cause: Cause): Promise<SaveResult> {
    return this.commit(kind, id, expectedVersion, mappings[kind].toFields(state), messages, cause);
  }

  private async commit<K extends Kind>(kind: K, id: string, expectedVersion: number, fields: Partial<Fields<K>>, messages: Outgoing[], cause: Cause): Promise<SaveResult> {
    const events = envelopes(id, expectedVersion, messages, cause);
    const saved = await saveAggregate(this.collections[kind], { id, expectedVersion, version: expectedVersion + messages.length, state: fields, topic: this.topic, events });
    if (saved === "saved") this.relay.kick(this.collections[kind], id);
    return saved;
  }

  /**
   * Many new aggregates at once (an import): each document as `save` stores a new one — its state,
   * version = its number of events, the events (numbered from 1) in its own outbox — in unordered
   * bulks of 500, two in flight, so state and events still land together per document. An id
   * another writer took meanwhile is left as it is: the ids found taken are answered (the others
   * are written). The relay hears of the documents once all are written: its reads and removals
   * would otherwise compete with the next bulks for the engine.
   */
  async createMany<K extends Kind>(kind: K, aggregates: readonly Created<States[K]>[], cause: Cause): Promise<string[]> {
    const docs = aggregates.map(({ id, state, messages }) => {
      const outbox = envelopes(id, 0, messages, cause).map((event) => outboxEntry(this.topic, event));
      return { ...mappings[kind].toFields(state), _id: id, version: messages.length, outbox, outboxCount: outbox.length } as Docs[K] & OutboxFields;
    });
    const bulks = Array.from({ length: Math.ceil(docs.length / bulkSize) }, (_, i) => docs.slice(i * bulkSize, (i + 1) * bulkSize));
    const taken: string[] = [];
    const written: string[] = [];
    const next = async (): Promise<void> => {
      for (let bulk = bulks.shift(); bulk; bulk = bulks.shift()) {
        const failed = await this.insertBulk(kind, bulk);
        bulk.forEach((doc, n) => (failed.has(n) ? taken : written).push(doc._id));
      }
    };
    try {
      await Promise.all([next(), next()]);
    } finally {
      for (const id of written) this.relay.kick(this.collections[kind], id); // what was written, also when a later bulk failed
    }
    return taken;
  }

  /** One unordered insertMany; the positions of the documents whose id was taken already. */
  private async insertBulk<K extends Kind>(kind: K, docs: (Docs[K] & OutboxFields)[]): Promise<Set<number>> {
    try {
      await this.db.collection<Docs[K] & OutboxFields>(names[kind]).insertMany(docs as OptionalUnlessRequiredId<Docs[K] & OutboxFields>[], { ordered: false });
      return new Set();
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (errors.some((e) => e.code !== 11000)) throw error;
      return new Set(errors.map((e) => e.index));
    }
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** The orgs in `rootId`'s subtree (itself included), of one kind when given. */
  async orgsUnder(rootId: string, kind?: number): Promise<States["organizations"][]> {
    return this.states_("organizations", { "place.path": rootId, ...(kind ? { kind } : {}) });
  }

  /** The open children of an org, of one kind when given. */
  async orgChildren(parentId: string, kind?: number): Promise<States["organizations"][]> {
    return this.states_("organizations", { parentId, closed: { $ne: true }, ...(kind ? { kind } : {}) });
  }

  /** Open orgs found by one name key (domain/org-names.ts), of one kind and in one subtree when given; at most `limit`. */
  async orgsByNameKey(key: string, filter: { kind?: number; under?: string }, limit: number): Promise<States["organizations"][]> {
    const query: Filter<Docs["organizations"]> = { nameKeys: key, closed: { $ne: true }, ...(filter.kind ? { kind: filter.kind } : {}), ...(filter.under ? { "place.path": filter.under } : {}) };
    return (await this.typed("organizations").find(query, noOutbox).limit(limit).toArray()).map((d) => mappings.organizations.toState(d as Docs["organizations"]));
  }

  /** Whether anything but the org itself is placed under it: an org (open ones only, when `openOrgsOnly`), a team, a base, a resource, a menu item. */
  async occupied(orgId: string, openOrgsOnly: boolean): Promise<boolean> {
    const below: Filter<Docs["organizations"]> = { "place.path": orgId, _id: { $ne: orgId }, ...(openOrgsOnly ? { closed: { $ne: true } } : {}) };
    if (await this.typed("organizations").findOne(below, { projection: { _id: 1 } })) return true;
    if (openOrgsOnly) return false;
    for (const kind of ["teams", "bases", "resources", "menu"] as const) {
      if (await this.collections[kind].findOne({ "place.path": orgId }, { projection: { _id: 1 } })) return true;
    }
    return false;
  }

  async teams(query: TeamQuery): Promise<States["teams"][]> {
    const reach = query.reach?.map((r): Filter<Docs["teams"]> => ("subtreeOf" in r ? { "place.path": r.subtreeOf } : "servingAnyOf" in r ? { serviceAreaOrgIds: { $in: r.servingAnyOf } } : { _id: r.teamId }));
    if (reach?.length === 0) return [];
    return this.states_("teams", {
      ...(query.under ? { "place.path": query.under } : {}),
      ...(reach ? { $or: reach } : {}),
      ...(query.theme ? { themes: query.theme } : {}),
      ...(query.servingAnyOf ? { serviceAreaOrgIds: { $in: query.servingAnyOf } } : {}),
    });
  }

  async basesUnder(orgId: string): Promise<States["bases"][]> {
    return this.states_("bases", orgId ? { "place.path": orgId } : {});
  }

  async resourcesUnder(orgId: string, kind?: number): Promise<States["resources"][]> {
    return this.states_("resources", { ...(orgId ? { "place.path": orgId } : {}), ...(kind ? { kind } : {}) });
  }

  /** Items not withdrawn whose service area is one of `areaIds`. */
  async menuIn(areaIds: readonly string[]): Promise<States["menu"][]> {
    return this.states_("menu", { "item.serviceAreaOrgId": { $in: [...areaIds] }, withdrawn: false });
  }

  private async states_<K extends Kind>(kind: K, filter: Filter<Docs[K]>): Promise<States[K][]> {
    return (await this.find(kind, filter)).map((d) => mappings[kind].toState(d));
  }

  // ---- volunteers' personal records ------------------------------------------------------------

  /** A volunteer's personal record (real name, phone, a minor's guardian consent): kept here, never in an event. */
  async saveVolunteer({ _id, ...volunteer }: VolunteerDoc): Promise<void> {
    await this.volunteers.updateOne({ _id }, { $set: volunteer }, { upsert: true });
  }

  /** The team's current members' records (not those who left). */
  async volunteersOf(teamId: string): Promise<VolunteerDoc[]> {
    return this.volunteers.find(currentMembersOf(teamId)).toArray();
  }

  /** One page of the team's current members, by volunteer id, and how many there are. */
  async membersPage(teamId: string, page: number, pageSize: number): Promise<{ volunteers: VolunteerDoc[]; total: number }> {
    const filter = currentMembersOf(teamId);
    const [volunteers, total] = await Promise.all([
      this.volunteers.find(filter).sort({ _id: 1 }).skip(page * pageSize).limit(pageSize).toArray(),
      this.volunteers.countDocuments(filter),
    ]);
    return { volunteers, total };
  }

  /** The team each of these volunteers is in now ("" for one who left), for those with a record. */
  async currentTeams(volunteerIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < volunteerIds.length; i += 1000) {
      const docs = await this.volunteers.find({ _id: { $in: volunteerIds.slice(i, i + 1000) } }, { projection: { teamId: 1, status: 1 } }).toArray();
      for (const d of docs) found.set(d._id, d.status === "left" ? "" : d.teamId);
    }
    return found;
  }

  /** Many personal records at once (an import): one unordered bulk of upserts by id. */
  async saveVolunteers(records: readonly VolunteerDoc[]): Promise<void> {
    if (records.length === 0) return;
    await this.volunteers.bulkWrite(
      records.map(({ _id, ...volunteer }) => ({ updateOne: { filter: { _id }, update: { $set: volunteer }, upsert: true } })),
      { ordered: false },
    );
  }

  /** An import done before, by its file's content hash and kind. */
  async importDone(id: string): Promise<ImportDoc | undefined> {
    return (await this.imports.findOne({ _id: id })) ?? undefined;
  }

  async recordImport(done: ImportDoc): Promise<void> {
    await this.imports.updateOne({ _id: done._id }, { $setOnInsert: { kind: done.kind, rows: done.rows, written: done.written, at: done.at } }, { upsert: true });
  }

  /** A member left `teamId`: their record stays, marked left (a record since moved to another team is left alone). */
  async volunteerLeft(volunteerId: string, teamId: string): Promise<void> {
    await this.volunteers.updateOne({ _id: volunteerId, teamId }, { $set: { status: "left" } });
  }
}

const currentMembersOf = (teamId: string): Filter<VolunteerDoc> => ({ teamId, status: { $ne: "left" } });

/** The envelopes of an aggregate's events, numbered on from `fromVersion`. */
const envelopes = (id: string, fromVersion: number, messages: readonly Outgoing[], cause: Cause): EventEnvelope[] =>
  messages.map((m, i) => newEvent(m.schema, m.payload, { source: "registry", aggregateId: id, aggregateVersion: fromVersion + i + 1, ...cause }));

const outgoing = <D extends DescMessage>(schema: D, payload: MessageInitShape<D>): Outgoing => ({ schema, payload: payload as MessageInitShape<DescMessage> });
