// Use cases of the 《科普资源名录》: thin — load, authorize, decide (domain/resource.ts), save.
import { authorize, listScope } from "@kepu/access";
import type { ResourceKind } from "@kepu/contracts/registry/v1/events_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import * as resource from "../domain/resource.js";
import type { ResourceCommand, ResourceState } from "../domain/resource.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave } from "./decisions.js";
import type { Organizations } from "./organizations.js";

export class Resources {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
  ) {}

  /** 资源入录: an org lists a resource it owns. */
  add(command: Extract<ResourceCommand, { type: "list" }>, cause: Cause): Promise<ResourceState> {
    return decideAndSave(
      this.store,
      "resources",
      command.resourceId,
      resource.evolve,
      async (before) => {
        const owner = await this.orgs.required(command.ownerOrgId, "ownerOrgId");
        const allowed = authorize("resource.submit", cause.actor, placedFacts(owner));
        return allowed.ok ? resource.decide(before, command, { owner }) : allowed;
      },
      cause,
    );
  }

  list(orgId: string, kind: ResourceKind, actor: Actor | undefined): Promise<ResourceState[]> {
    listScope("resource.readPublished", actor);
    return this.store.resourcesUnder(orgId, kind);
  }
}
