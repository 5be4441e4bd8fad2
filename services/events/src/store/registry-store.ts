import type { Collection, Db, Document } from "mongodb";
import { applyVersioned } from "@kepu/idempotency";

/** What the events service keeps of a 菜单 item: how long it runs, how many it holds, what it uses. */
export interface MenuItemFacts {
  durationMinutes: number;
  capacity: number;
  resourceIds: string[];
  withdrawn: boolean;
}

/**
 * The events service's own read model of what the registry says exists (kept from
 * kepu.registry.v1, never read from the registry's database): the 名录's resources and who
 * belongs to which volunteer team.
 */
export class RegistryStore {
  readonly resources: Collection<Document>;
  readonly members: Collection<Document>;
  readonly menuItems: Collection<Document>;

  constructor(db: Db) {
    this.resources = db.collection("registry_resources");
    this.members = db.collection("registry_members");
    this.menuItems = db.collection("registry_menu_items");
  }

  /** A menu item as published or last edited (at the item's version); a withdrawn one is kept, marked. */
  async applyMenuItem(itemId: string, version: number, fields: Partial<MenuItemFacts>): Promise<void> {
    await applyVersioned(this.menuItems, itemId, version, { $set: fields });
  }

  /** What an order's activity takes from its item; undefined when the item is unknown here. */
  async menuItem(itemId: string): Promise<MenuItemFacts | undefined> {
    if (!itemId) return undefined;
    const doc = await this.menuItems.findOne({ _id: itemId as never });
    if (!doc) return undefined;
    return { durationMinutes: Number(doc.durationMinutes ?? 0), capacity: Number(doc.capacity ?? 0), resourceIds: (doc.resourceIds as string[] | undefined) ?? [], withdrawn: doc.withdrawn === true };
  }

  /** Each apply is once per aggregate version: a redelivered or older event changes nothing. */
  async applyResource(resourceId: string, version: number, fields: { available: boolean; ownerOrgId?: string }): Promise<void> {
    await applyVersioned(this.resources, resourceId, version, { $set: fields });
  }

  /** Membership is kept per team and volunteer, at the team's version (the team's events carry it). */
  async applyMembership(teamId: string, volunteerId: string, version: number, member: boolean): Promise<void> {
    await applyVersioned(this.members, `${teamId}:${volunteerId}`, version, { $set: { teamId, volunteerId, member } });
  }

  /** Of these resources, those listed in the 名录 (and not withdrawn). */
  async listed(resourceIds: string[]): Promise<Set<string>> {
    const found = await Promise.all(resourceIds.map((id) => this.resources.findOne({ _id: id as never })));
    return new Set(found.filter((d) => d && d.available !== false).map((d) => String(d!._id)));
  }

  /** The org that owns a listed resource, or undefined when the 名录 does not list it. */
  async ownerOf(resourceId: string): Promise<string | undefined> {
    const doc = await this.resources.findOne({ _id: resourceId as never });
    return doc && doc.available !== false ? String(doc.ownerOrgId ?? "") : undefined;
  }

  async isMember(teamId: string, volunteerId: string): Promise<boolean> {
    const doc = await this.members.findOne({ _id: `${teamId}:${volunteerId}` as never });
    return doc?.member === true;
  }
}
