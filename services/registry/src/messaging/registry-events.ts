// The registry's domain events → the protobuf events on kepu.registry.v1 (the contract: same
// types, same fields). A domain event may know more than its message (a menu item's place).
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  BaseAssessedSchema,
  BaseCertifiedSchema,
  BaseStatusChangedSchema,
  MenuItemEditedSchema,
  MenuItemPublishedSchema,
  MenuItemWithdrawnSchema,
  OrganizationClosedSchema,
  OrganizationMovedSchema,
  OrganizationRegisteredSchema,
  OrganizationRenamedSchema,
  OrganizationServesChangedSchema,
  ResourceListedSchema,
  TeamRegisteredSchema,
  TeamDeactivatedSchema,
  TeamUpdatedSchema,
  VolunteerJoinedTeamSchema,
  VolunteerLeftTeamSchema,
} from "@kepu/contracts/registry/v1/events_pb";
import type { BaseEvent } from "../domain/base.js";
import type { MenuItemEvent } from "../domain/menu-item.js";
import type { OrgEvent } from "../domain/organization.js";
import type { ResourceEvent } from "../domain/resource.js";
import type { TeamEvent } from "../domain/team.js";
import type { Outgoing } from "../store/registry-store.js";

export type RegistryEvent = OrgEvent | TeamEvent | BaseEvent | ResourceEvent | MenuItemEvent;

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
      const { type: _t, certifiedOn, ...payload } = event;
      return message(BaseCertifiedSchema, { ...payload, certifiedOn: timestampFromDate(certifiedOn) });
    }
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
    case "MenuItemPublished":
      return message(MenuItemPublishedSchema, { item: event.item });
    case "MenuItemEdited":
      return message(MenuItemEditedSchema, { item: event.item });
    case "MenuItemWithdrawn":
      return message(MenuItemWithdrawnSchema, { itemId: event.itemId, reason: event.reason });
  }
}
