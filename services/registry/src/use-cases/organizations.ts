// Use cases of the org tree: thin — load, authorize, decide (domain/organization.ts), save.
import { authorize } from "@kepu/access";
import type { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { registryErrors } from "../domain/errors.js";
import * as organization from "../domain/organization.js";
import { byName, nameMatches, searchKey } from "../domain/org-names.js";
import type { OrgCommand, OrgContext, OrgState } from "../domain/organization.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { decideAndSave, decideOnExisting, must } from "./decisions.js";

export class Organizations {
  constructor(private readonly store: RegistryStore) {}

  /** The org named by a request's field, or not found (naming that field). */
  async required(orgId: string, field: string): Promise<OrgState> {
    const org = await this.store.state("organizations", orgId);
    if (!org) throw registryErrors.notFound("organizations", orgId, field);
    return org;
  }

  /** "A community is a community": the org named where one is asked for. */
  async community(orgId: string, field = "communityId"): Promise<OrgState> {
    return must(organization.requireCommunity(await this.store.state("organizations", orgId), orgId, field));
  }

  /** Where the actor's own org sits in the tree (its path), for "a team serving my area". */
  async pathOf(actor: Actor | undefined): Promise<string[]> {
    const org = actor?.orgId ? await this.store.state("organizations", actor.orgId) : undefined;
    return org?.place.path ?? [];
  }

  register(command: Extract<OrgCommand, { type: "register" }>, cause: Cause): Promise<OrgState> {
    return decideAndSave(
      this.store,
      "organizations",
      command.orgId,
      organization.evolve,
      async (before) => {
        const parent = command.parentId ? await this.required(command.parentId, "parentId") : undefined;
        const allowed = authorize("org.change", cause.actor, { path: parent?.place.path ?? [] }); // a root is the admin's
        return allowed.ok ? organization.decide(before, command, { parent }) : allowed;
      },
      cause,
    );
  }

  /** Rename, move, close, or set the communities served: within the actor's subtree (a move: both where it sits and where it goes). */
  change(orgId: string, command: Exclude<OrgCommand, { type: "register" }>, cause: Cause): Promise<OrgState> {
    return decideOnExisting(
      this.store,
      "organizations",
      orgId,
      "orgId",
      organization.evolve,
      async (before) => {
        const here = authorize("org.change", cause.actor, { path: before.place.path });
        if (!here.ok) return here;
        const context: OrgContext = {};
        if (command.type === "move") {
          context.parent = await this.required(command.parentId, "parentId");
          const there = authorize("org.change", cause.actor, { path: context.parent.place.path });
          if (!there.ok) return there;
          context.occupied = await this.store.occupied(orgId, false);
        }
        if (command.type === "close") context.occupied = await this.store.occupied(orgId, true);
        if (command.type === "serve") context.communities = await this.store.states("organizations", command.communityIds);
        return organization.decide(before, command, context);
      },
      cause,
    );
  }

  // Names and the tree are public to everyone signed in: no refusal here (org.read is "any").
  get(orgId: string): Promise<OrgState> {
    return this.required(orgId, "orgId");
  }

  async subtree(orgId: string, kind: OrgKind): Promise<OrgState[]> {
    const root = await this.required(orgId, "orgId");
    return this.store.orgsUnder(root.orgId, kind);
  }

  /** The open children of an org, by name (the picker's 区 → 街道 → 社区). */
  async children(orgId: string, kind: OrgKind): Promise<OrgState[]> {
    const parent = await this.required(orgId, "orgId");
    return (await this.store.orgChildren(parent.orgId, kind)).sort(byName);
  }

  /** The org's ancestors, the root first. */
  async ancestors(orgId: string): Promise<OrgState[]> {
    const org = await this.required(orgId, "orgId");
    const ids = org.place.path.filter((id) => id !== orgId);
    const found = await this.store.states("organizations", ids);
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Open orgs by name or pinyin initials (domain/org-names.ts): looked up by key, never by scanning. */
  async search(query: string, filter: { kind: OrgKind; under: string }, limit: number): Promise<OrgState[]> {
    const key = searchKey(query);
    if (!key) return [];
    // A key may be shared by many orgs (社 is in every 社区): read a bounded number, keep the ones holding the whole query.
    const found = await this.store.orgsByNameKey(key, filter, Math.max(limit * 10, 200));
    return found.filter((org) => nameMatches(org.name, query)).sort(byName).slice(0, limit);
  }
}
