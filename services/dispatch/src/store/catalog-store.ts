import type { Collection, Db, Document } from "mongodb";
import { applyVersioned } from "@kepu/idempotency";
import type { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import type { KnownMenuItem, KnownOrg } from "../domain/references.js";
import type { TeamStore } from "./team-store.js";

/** What the orgs read model keeps of an organization (its _id is the org id). */
export interface OrgRecord {
  kind?: OrgKind;
  name?: string;
  path?: string[];
  districtId?: string;
  streetId?: string;
  closed?: boolean;
}

/**
 * Dispatch's own read model of the registry's organizations (kind, name, place, closed) and menu
 * items (published, edited, withdrawn), kept from kepu.registry.v1 to check what an order points
 * at. Each change carries its aggregate's version: an older or repeated event changes nothing.
 */
export class CatalogStore {
  readonly orgs: Collection<Document>;
  readonly menu: Collection<Document>;

  constructor(db: Db) {
    this.orgs = db.collection("orgs");
    this.menu = db.collection("menu_items");
  }

  /** OrganizationRegistered / Renamed / Moved / Closed: what the event says of the org. */
  async orgChanged(orgId: string, version: number, fields: OrgRecord): Promise<void> {
    await applyVersioned(this.orgs, orgId, version, { $set: fields });
  }

  async menuItemChanged(itemId: string, version: number, fields: Partial<Omit<KnownMenuItem, "itemId">>): Promise<void> {
    await applyVersioned(this.menu, itemId, version, { $set: fields });
  }

  async org(orgId: string): Promise<KnownOrg | undefined> {
    if (!orgId) return undefined;
    const doc = await this.orgs.findOne({ _id: orgId as never });
    return doc ? { orgId, kind: doc.kind ?? 0, path: doc.path ?? [], districtId: doc.districtId, streetId: doc.streetId, closed: doc.closed === true } : undefined;
  }

  /** The names the read model has of these orgs (for what a timeline says); an unknown org is left out. */
  async names(orgIds: readonly string[]): Promise<Record<string, string>> {
    const ids = [...new Set(orgIds.filter(Boolean))];
    if (ids.length === 0) return {};
    const docs = await this.orgs.find({ _id: { $in: ids as never[] } }, { projection: { name: 1 } }).toArray();
    return Object.fromEntries(docs.filter((d) => d.name).map((d) => [String(d._id), String(d.name)]));
  }

  async menuItem(itemId: string): Promise<KnownMenuItem | undefined> {
    if (!itemId) return undefined;
    const doc = await this.menu.findOne({ _id: itemId as never });
    return doc ? { itemId, title: doc.title ?? "", serviceAreaOrgId: doc.serviceAreaOrgId ?? "", leadTimeDays: doc.leadTimeDays ?? 0, withdrawn: doc.withdrawn === true } : undefined;
  }
}

/** The references an order names, as dispatch's read model of the registry holds them. */
export function readModelReferences(catalog: CatalogStore, teams: TeamStore) {
  return {
    org: (orgId: string) => catalog.org(orgId),
    menuItem: (itemId: string) => catalog.menuItem(itemId),
    teams: (teamIds: readonly string[]) => teams.byIds(teamIds),
  };
}
