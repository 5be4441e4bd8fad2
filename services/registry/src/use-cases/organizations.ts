// Use cases of the org tree: thin — load, authorize, decide (domain/organization.ts), save.
import { authorize } from "@kepu/access";
import type { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { registryErrors } from "../domain/errors.js";
import * as organization from "../domain/organization.js";
import type { OrgCommand, OrgState } from "../domain/organization.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { decideAndSave, must } from "./decisions.js";

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

  // Names and the tree are public to everyone signed in: no refusal here (org.read is "any").
  get(orgId: string): Promise<OrgState> {
    return this.required(orgId, "orgId");
  }

  async subtree(orgId: string, kind: OrgKind): Promise<OrgState[]> {
    const root = await this.required(orgId, "orgId");
    return this.store.orgsUnder(root.orgId, kind);
  }
}
