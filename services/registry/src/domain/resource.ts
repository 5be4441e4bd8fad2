// The resource aggregate (《科普资源名录》: venues, facilities, equipment, works, products, information, experts). Pure.
// Two ways in: an org submits one of its own, which waits for the association's review
// (resource-review.ts), or a reviewer lists one directly as already reviewed (the demo's seeds).
import { fail, ok, type Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ResourceStatus, type ResourceKind } from "@kepu/contracts/registry/v1/events_pb";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { Place } from "./org-tree.js";

/** What the owner says of a resource (the protobuf ResourceProfile, plain; availability flattened). */
export interface ResourceProfile {
  kind: ResourceKind;
  name: string;
  description: string;
  /** Seats or people it holds; 0 when it does not apply. */
  capacity: number;
  themes: Theme[];
  /** The subtrees it serves. */
  areaOrgIds: string[];
  /** 1 Monday … 7 Sunday. */
  weekdays: number[];
  availabilityNote: string;
  photoIds: string[];
  /** Other orgs' teams and bases may name it on their menu items (开放共享). */
  openToOthers: boolean;
}

export interface ResourceState extends ResourceProfile {
  resourceId: string;
  ownerOrgId: string;
  place: Place;
  /** Usable now: published (and not taken off by its owner). */
  available: boolean;
  status: ResourceStatus;
  /** The reviewer's last reason or note. */
  reviewNote: string;
}

/** A profile with nothing said but kind, name and capacity (a resource listed before profiles existed). */
export const bareProfile = (kind: ResourceKind, name: string, capacity: number): ResourceProfile => ({
  kind,
  name,
  description: "",
  capacity,
  themes: [],
  areaOrgIds: [],
  weekdays: [],
  availabilityNote: "",
  photoIds: [],
  openToOthers: true,
});

export type ResourceCommand = { type: "list"; resourceId: string; kind: ResourceKind; name: string; ownerOrgId: string; capacity: number };

/** The org that lists the resource. */
export interface ResourceContext {
  owner: OrgState | undefined;
}

export type ResourceEvent =
  | { type: "ResourceListed"; resourceId: string; kind: ResourceKind; name: string; ownerOrgId: string; place: Place; capacity: number; available: boolean }
  | { type: "ResourceAvailabilityChanged"; resourceId: string; available: boolean }
  | { type: "ResourceSubmitted"; resourceId: string; ownerOrgId: string; place: Place; profile: ResourceProfile }
  | { type: "ResourceEdited"; resourceId: string; profile: ResourceProfile; backToReview: boolean }
  | { type: "ResourceApproved"; resourceId: string }
  | { type: "ResourceRejected"; resourceId: string; reason: string }
  | { type: "ResourceChangesRequested"; resourceId: string; note: string };

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

export function evolve(state: ResourceState | undefined, event: ResourceEvent): ResourceState {
  switch (event.type) {
    case "ResourceListed": {
      // Listed directly, or published by its approval (then it keeps what its owner said).
      const { type: _type, kind, name, capacity, ...listed } = event;
      const profile = state ?? bareProfile(kind, name, capacity);
      return { ...profile, reviewNote: state?.reviewNote ?? "", ...listed, status: ResourceStatus.PUBLISHED };
    }
    case "ResourceSubmitted":
      return { ...event.profile, resourceId: event.resourceId, ownerOrgId: event.ownerOrgId, place: event.place, available: false, status: ResourceStatus.PENDING, reviewNote: "" };
  }
  if (!state) throw new Error(`${event.type} before the resource exists`);
  switch (event.type) {
    case "ResourceAvailabilityChanged":
      return { ...state, available: event.available };
    case "ResourceEdited":
      return { ...state, ...event.profile, status: event.backToReview ? ResourceStatus.PENDING : state.status };
    case "ResourceApproved":
      return { ...state, status: ResourceStatus.PUBLISHED, reviewNote: "" };
    case "ResourceRejected":
      return { ...state, status: ResourceStatus.REJECTED, reviewNote: event.reason };
    case "ResourceChangesRequested":
      return { ...state, status: ResourceStatus.CHANGES_REQUESTED, reviewNote: event.note };
  }
}
