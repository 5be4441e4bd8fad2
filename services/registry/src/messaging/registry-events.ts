// The registry's domain events → the protobuf events on kepu.registry.v1 (the contract: same
// types, same fields). A domain event may know more than its message (a menu item's place).
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  BaseAppliedSchema,
  BaseApplicationRejectedSchema,
  BaseAssessedSchema,
  BaseCertifiedSchema,
  BaseRenewedSchema,
  BaseRevokedSchema,
  BaseStatusChangedSchema,
  BrandDefinedSchema,
  BrandPlanReviewedSchema,
  BrandPlanSetSchema,
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  MenuItemWithdrawnSchema,
  OrganizationClosedSchema,
  OrganizationMovedSchema,
  OrganizationRegisteredSchema,
  OrganizationRenamedSchema,
  OrganizationServesChangedSchema,
  ResourceApprovedSchema,
  ResourceAvailabilityChangedSchema,
  ResourceChangesRequestedSchema,
  ResourceEditedSchema,
  ResourceListedSchema,
  ResourceRejectedSchema,
  ResourceSubmittedSchema,
  TeamRegisteredSchema,
  TeamDeactivatedSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  VolunteerLeftTeamSchema,
} from "@kepu/contracts/registry/v1/events_pb";
import type { BaseEvent } from "../domain/base.js";
import type { BrandEvent } from "../domain/brand.js";
import type { MenuItemEvent } from "../domain/menu-item.js";
import type { OrgEvent } from "../domain/organization.js";
import type { ResourceEvent, ResourceProfile } from "../domain/resource.js";
import type { TeamEvent } from "../domain/team.js";
import type { Outgoing } from "../store/registry-store.js";

export type RegistryEvent = OrgEvent | TeamEvent | BaseEvent | ResourceEvent | MenuItemEvent | BrandEvent;

/** A resource's profile as its protobuf message (availability nested). */
const profileMessage = ({ weekdays, availabilityNote, ...profile }: ResourceProfile) => ({ ...profile, availability: { weekdays, note: availabilityNote } });

const message = <D extends DescMessage>(schema: D, payload: MessageInitShape<D>): Outgoing => ({ schema, payload: payload as MessageInitShape<DescMessage> });

export function toMessage(event: RegistryEvent): Outgoing {
  switch (event.type) {
    case "OrganizationRegistered": {
      const { type: _t, ...payload } = event;
      return message(OrganizationRegisteredSchema, payload);
    }
    case "OrganizationRenamed": {
      const { type: _t, ...payload } = event;
      return message(OrganizationRenamedSchema, payload);
    }
    case "OrganizationMoved": {
      const { type: _t, ...payload } = event;
      return message(OrganizationMovedSchema, payload);
    }
    case "OrganizationClosed": {
      const { type: _t, ...payload } = event;
      return message(OrganizationClosedSchema, payload);
    }
    case "OrganizationServesChanged": {
      const { type: _t, ...payload } = event;
      return message(OrganizationServesChangedSchema, payload);
    }
    case "TeamRegistered": {
      const { type: _t, ...payload } = event;
      return message(TeamRegisteredSchema, payload);
    }
    case "TeamUpdated": {
      const { type: _t, ...payload } = event;
      return message(TeamUpdatedSchema, payload);
    }
    case "VolunteerJoinedTeam": {
      const { type: _t, ...payload } = event;
      return message(VolunteerJoinedTeamSchema, payload);
    }
    case "VolunteerLeftTeam": {
      const { type: _t, ...payload } = event;
      return message(VolunteerLeftTeamSchema, payload);
    }
    case "TeamDeactivated": {
      const { type: _t, ...payload } = event;
      return message(TeamDeactivatedSchema, payload);
    }
    case "BaseCertified": {
      const { type: _t, certifiedOn, termStart, termEnd, ...payload } = event;
      return message(BaseCertifiedSchema, { ...payload, certifiedOn: timestampFromDate(certifiedOn), termStart: termStart && timestampFromDate(termStart), termEnd: termEnd && timestampFromDate(termEnd) });
    }
    case "BaseApplied": {
      const { type: _t, ...payload } = event;
      return message(BaseAppliedSchema, payload);
    }
    case "BaseApplicationRejected":
      return message(BaseApplicationRejectedSchema, { baseId: event.baseId, reason: event.reason });
    case "BaseRenewed":
      return message(BaseRenewedSchema, { baseId: event.baseId, termStart: timestampFromDate(event.termStart), termEnd: timestampFromDate(event.termEnd) });
    case "BaseRevoked":
      return message(BaseRevokedSchema, { baseId: event.baseId, reason: event.reason });
    case "BaseStatusChanged": {
      const { type: _t, ...payload } = event;
      return message(BaseStatusChangedSchema, payload);
    }
    case "BaseAssessed": {
      const { type: _t, ...payload } = event;
      return message(BaseAssessedSchema, payload);
    }
    case "ResourceListed": {
      const { type: _t, ...payload } = event;
      return message(ResourceListedSchema, payload);
    }
    case "ResourceAvailabilityChanged": {
      const { type: _t, ...payload } = event;
      return message(ResourceAvailabilityChangedSchema, payload);
    }
    case "ResourceSubmitted": {
      const { type: _t, profile, ...payload } = event;
      return message(ResourceSubmittedSchema, { ...payload, profile: profileMessage(profile) });
    }
    case "ResourceEdited": {
      const { type: _t, profile, ...payload } = event;
      return message(ResourceEditedSchema, { ...payload, profile: profileMessage(profile) });
    }
    case "ResourceApproved":
      return message(ResourceApprovedSchema, { resourceId: event.resourceId });
    case "ResourceRejected":
      return message(ResourceRejectedSchema, { resourceId: event.resourceId, reason: event.reason });
    case "ResourceChangesRequested":
      return message(ResourceChangesRequestedSchema, { resourceId: event.resourceId, note: event.note });
    case "MenuItemPublished":
      return message(MenuItemPublishedSchema, { item: event.item });
    case "MenuItemEdited":
      return message(MenuItemEditedSchema, { item: event.item });
    case "MenuItemWithdrawn":
      return message(MenuItemWithdrawnSchema, { itemId: event.itemId, reason: event.reason });
    case "BrandDefined": {
      const { type: _t, ...payload } = event;
      return message(BrandDefinedSchema, payload);
    }
    case "BrandPlanSet": {
      const { type: _t, ...payload } = event;
      return message(BrandPlanSetSchema, payload);
    }
    case "BrandPlanReviewed": {
      const { type: _t, ...payload } = event;
      return message(BrandPlanReviewedSchema, payload);
    }
  }
}
