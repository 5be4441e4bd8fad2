import type { Collection, Db, Document } from "mongodb";
import { applyVersioned } from "@kepu/idempotency";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { KnownTeam } from "../domain/references.js";

export interface TeamRecord extends KnownTeam {
  name: string;
  orgId: string;
  themes: Theme[];
}

const toRecord = (d: Document): TeamRecord => ({
  teamId: String(d._id),
  name: d.name ?? "",
  orgId: d.orgId ?? "",
  themes: d.themes ?? [],
  serviceAreaOrgIds: d.serviceAreaOrgIds ?? [],
  memberIds: d.memberIds ?? [],
  active: d.active !== false,
});

/**
 * Dispatch's own read model of volunteer teams and their members, kept from the registry's
 * events. Every event of a team (registered, updated, a volunteer joining or leaving) carries the
 * team's aggregate version, so an older or repeated one changes nothing.
 */
export class TeamStore {
  readonly teams: Collection<Document>;

  constructor(db: Db) {
    this.teams = db.collection("teams");
  }

  async apply(teamId: string, version: number, fields: Partial<Omit<TeamRecord, "teamId" | "memberIds">>): Promise<void> {
    await applyVersioned(this.teams, teamId, version, { $set: fields });
  }

  async memberJoined(teamId: string, version: number, volunteerId: string): Promise<void> {
    await applyVersioned(this.teams, teamId, version, { $addToSet: { memberIds: volunteerId } });
  }

  async memberLeft(teamId: string, version: number, volunteerId: string): Promise<void> {
    const leaving: Document = { memberIds: [volunteerId] }; // $pullAll: FerretDB ignores $pull with a condition
    await applyVersioned(this.teams, teamId, version, { $pullAll: leaving });
  }

  /** A team's service areas (none for a team dispatch has not heard of). */
  async areasOf(teamId: string): Promise<string[]> {
    return (await this.get(teamId))?.serviceAreaOrgIds ?? [];
  }

  async get(teamId: string): Promise<TeamRecord | undefined> {
    const doc = await this.teams.findOne({ _id: teamId as never });
    return doc ? toRecord(doc) : undefined;
  }

  /** The named teams dispatch knows, by id (one lookup by _id each: the only filter FerretDB serves from an index). */
  async byIds(teamIds: readonly string[]): Promise<Map<string, TeamRecord>> {
    const found = await Promise.all([...new Set(teamIds)].map((id) => this.get(id)));
    return new Map(found.filter((t): t is TeamRecord => !!t).map((t) => [t.teamId, t]));
  }

  async all(): Promise<TeamRecord[]> {
    return (await this.teams.find({}).toArray()).map(toRecord);
  }
}
