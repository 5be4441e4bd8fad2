// The resource aggregate (《科普资源名录》: venues, facilities, equipment, works, products, information, experts). Pure.
import { fail, ok, type Result } from "@kepu/errors";
import type { ResourceKind } from "@kepu/contracts/registry/v1/events_pb";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { Place } from "./org-tree.js";

export interface ResourceState {
  resourceId: string;
  kind: ResourceKind;
  name: string;
  ownerOrgId: string;
  place: Place;
  /** Seats or people it holds, for venues; 0 when it does not apply. */
  capacity: number;
  available: boolean;
}

export type ResourceCommand = { type: "list"; resourceId: string; kind: ResourceKind; name: string; ownerOrgId: string; capacity: number };

/** The org that lists the resource. */
export interface ResourceContext {
  owner: OrgState | undefined;
}

export type ResourceEvent = { type: "ResourceListed"; resourceId: string; kind: ResourceKind; name: string; ownerOrgId: string; place: Place; capacity: number; available: boolean };

export function decide(state: ResourceState | undefined, command: ResourceCommand, context: ResourceContext): Result<ResourceEvent[]> {
  switch (command.type) {
    case "list": {
      if (state) return fail(registryErrors.alreadyExists(command.resourceId));
      if (!context.owner) return fail(registryErrors.notFound("organizations", command.ownerOrgId, "ownerOrgId"));
      if (command.capacity < 0) return fail(registryErrors.badCapacity());
      const { resourceId, kind, name, ownerOrgId, capacity } = command;
      return ok([{ type: "ResourceListed", resourceId, kind, name, ownerOrgId, place: context.owner.place, capacity, available: true }]);
    }
  }
}

export function evolve(_state: ResourceState | undefined, event: ResourceEvent): ResourceState {
  switch (event.type) {
    case "ResourceListed": {
      const { type: _type, ...listed } = event;
      return listed;
    }
  }
}
