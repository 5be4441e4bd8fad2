import type { Collection, Db, Document } from "mongodb";
import { applyVersioned } from "@kepu/idempotency";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";

export interface TeamRecord {
  teamId: string;
  name: string;
  orgId: string;
  themes: Theme[];
  serviceAreaOrgIds: string[];
}

/** Dispatch's own read model of volunteer teams, kept from the registry's events. */
export class TeamStore {
  readonly teams: Collection<Document>;

  constructor(db: Db) {
    this.teams = db.collection("teams");
  }

  /** Applies a registry event about a team once; an older or repeated one changes nothing. */
  async apply(teamId: string, version: number, fields: Partial<Omit<TeamRecord, "teamId">>): Promise<void> {
    await applyVersioned(this.teams, teamId, version, { $set: fields });
  }

  /** A team's service areas (none for a team dispatch has not heard of). */
  async areasOf(teamId: string): Promise<string[]> {
    const doc = await this.teams.findOne({ _id: teamId as never }, { projection: { serviceAreaOrgIds: 1 } });
    return doc?.serviceAreaOrgIds ?? [];
  }

  async all(): Promise<TeamRecord[]> {
    const docs = await this.teams.find({}).toArray();
    return docs.map((d) => ({ teamId: String(d._id), name: d.name ?? "", orgId: d.orgId ?? "", themes: d.themes ?? [], serviceAreaOrgIds: d.serviceAreaOrgIds ?? [] }));
  }
}
