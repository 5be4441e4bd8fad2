import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { Collection, Db, Document, Filter } from "mongodb";
import { newEvent } from "@kepu/bus";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { serializedWrite } from "@kepu/mongo";
import { saveAggregate, type OutboxRelay } from "@kepu/outbox";
import type { GuardianConsent } from "../domain/teams.js";

export interface Cause {
  correlationId: string;
  actor: Actor | undefined;
}

export type Kind = "organizations" | "teams" | "bases" | "resources" | "menu";

/**
 * The registry's aggregates, one collection each, every change saved with its event in one
 * document write (topic kepu.registry.v1, keyed by the aggregate's id).
 */
export class RegistryStore {
  readonly collections: Record<Kind, Collection<Document>>;
  readonly volunteers: Collection<Document>;

  constructor(
    db: Db,
    private readonly topic: string,
    private readonly relay: OutboxRelay,
  ) {
    this.collections = {
      organizations: db.collection("organizations"),
      teams: db.collection("teams"),
      bases: db.collection("bases"),
      resources: db.collection("resources"),
      menu: db.collection("menu_items"),
    };
    this.volunteers = db.collection("volunteers");
  }

  async createIndexes(): Promise<void> {
    for (const collection of Object.values(this.collections)) {
      await collection.createIndex({ "place.path": 1 });
      await collection.createIndex({ outboxCount: 1 });
    }
    await this.collections.menu.createIndex({ "item.serviceAreaOrgId": 1 });
    await this.collections.teams.createIndex({ serviceAreaOrgIds: 1 });
    await this.volunteers.createIndex({ teamId: 1 });
  }

  /** A volunteer's personal record (real name, phone, a minor's guardian consent): kept here, never in an event. */
  async saveVolunteer(volunteerId: string, volunteer: { teamId: string; realName: string; phone: string; skills: number[]; minor: boolean; consent?: GuardianConsent }): Promise<void> {
    await this.volunteers.updateOne({ _id: volunteerId as never }, { $set: volunteer }, { upsert: true });
  }

  async volunteersOf(teamId: string): Promise<Document[]> {
    return this.volunteers.find({ teamId }).toArray();
  }

  async get(kind: Kind, id: string): Promise<Document | undefined> {
    return (await this.collections[kind].findOne({ _id: id as never }, { projection: { outbox: 0 } })) ?? undefined;
  }

  async find(kind: Kind, filter: Filter<Document>): Promise<Document[]> {
    return this.collections[kind].find(filter, { projection: { outbox: 0 } }).toArray();
  }

  /** Creates an aggregate with its first event; creating it again is refused, never doubled. */
  async create<D extends DescMessage>(kind: Kind, id: string, state: Document, schema: D, payload: MessageInitShape<D>, cause: Cause): Promise<Document> {
    const event = newEvent(schema, payload, { source: "registry", aggregateId: id, aggregateVersion: 1, ...cause });
    const saved = await saveAggregate(this.collections[kind], { id, expectedVersion: 0, version: 1, state, topic: this.topic, events: [event] });
    if (saved === "conflict") throw kepuError("conflict", "ALREADY_EXISTS", `${id} 已存在`, `${id} already exists`, "id");
    this.relay.kick(this.collections[kind], id);
    return { _id: id, ...state, version: 1 };
  }

  /**
   * Changes an aggregate and records the event. Changes of one aggregate are decided one after
   * the other in this process (many volunteers joining one team at once would otherwise keep
   * conflicting); another process's change in between is caught by the version and decided again.
   */
  async change<D extends DescMessage>(kind: Kind, id: string, apply: (current: Document) => { state: Document; payload: MessageInitShape<D> }, schema: D, cause: Cause): Promise<Document> {
    // Its own key: saveAggregate serializes on the collection's namespace and id, inside this.
    return serializedWrite(`${this.collections[kind].namespace}#decide`, id, () => this.decideAndSave(kind, id, apply, schema, cause));
  }

  private async decideAndSave<D extends DescMessage>(kind: Kind, id: string, apply: (current: Document) => { state: Document; payload: MessageInitShape<D> }, schema: D, cause: Cause): Promise<Document> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const current = await this.get(kind, id);
      if (!current) throw kepuError("not_found", "NOT_FOUND", `${id} 不存在`, `${id} does not exist`, "id");
      const { state, payload } = apply(current);
      const version = Number(current.version) + 1;
      const event = newEvent(schema, payload, { source: "registry", aggregateId: id, aggregateVersion: version, ...cause });
      const { _id, version: _v, outboxCount: _c, ...fields } = { ...current, ...state };
      if ((await saveAggregate(this.collections[kind], { id, expectedVersion: Number(current.version), version, state: fields, topic: this.topic, events: [event] })) === "saved") {
        this.relay.kick(this.collections[kind], id);
        return { ...current, ...state, version };
      }
    }
    throw kepuError("conflict", "BUSY", "数据正被频繁修改，请稍后重试", "This record is changing quickly; please retry");
  }
}
