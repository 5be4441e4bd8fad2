// Stored documents → the messages the RegistryService answers with.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Document } from "mongodb";
import { OrgPlaceSchema, type OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { MenuItemSchema, type MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import type { BaseSchema, OrganizationSchema, ResourceSchema, TeamSchema, VolunteerSchema } from "@kepu/contracts/registry/v1/service_pb";
import { maskName, maskPhone } from "@kepu/privacy";

export const placeOf = (doc: Document | undefined): OrgPlace => create(OrgPlaceSchema, doc?.place ?? {});

/** A place as stored: plain fields only (FerretDB refuses keys that start with "$", like $typeName). */
export const storedPlace = ({ orgId, path, districtId, streetId, communityId }: OrgPlace) => ({ orgId, path, districtId, streetId, communityId });

/** A menu item as stored, without protobuf's $typeName. */
export const storedItem = ({ $typeName: _t, ...item }: MenuItem) => item;

export const orgMessage = (doc: Document): MessageInitShape<typeof OrganizationSchema> => ({ orgId: String(doc._id), name: doc.name, kind: doc.kind, parentId: doc.parentId, place: placeOf(doc) });

export const teamMessage = (doc: Document, volunteers: MessageInitShape<typeof TeamSchema>["volunteers"] = []): MessageInitShape<typeof TeamSchema> => ({
  teamId: String(doc._id),
  name: doc.name,
  orgId: doc.orgId,
  place: placeOf(doc),
  themes: doc.themes,
  serviceAreaOrgIds: doc.serviceAreaOrgIds,
  leaderId: doc.leaderId,
  volunteers,
  memberCount: (doc.memberIds ?? []).length,
});

export const baseMessage = (doc: Document): MessageInitShape<typeof BaseSchema> => ({
  baseId: String(doc._id),
  name: doc.name,
  orgId: doc.orgId,
  place: placeOf(doc),
  level: doc.level,
  status: doc.status,
  certifiedOn: doc.certifiedOn ? timestampFromDate(doc.certifiedOn) : undefined,
  termYears: doc.termYears,
  themes: doc.themes,
  assessments: Object.fromEntries(Object.entries(doc.assessments ?? {}).map(([year, passed]) => [Number(year), Boolean(passed)])),
});

export const resourceMessage = (doc: Document): MessageInitShape<typeof ResourceSchema> => ({
  resourceId: String(doc._id), kind: doc.kind, name: doc.name, ownerOrgId: doc.ownerOrgId, place: placeOf(doc), capacity: doc.capacity, available: doc.available,
});

export const menuMessage = (doc: Document): MenuItem => create(MenuItemSchema, { ...doc.item, itemId: String(doc._id) });

/**
 * A volunteer as a caller may see them: name and phones (the guardian's too) in clear only for
 * callers who need them (`clear`), masked for everyone else.
 */
export function volunteerMessage(v: Document, clear: boolean): MessageInitShape<typeof VolunteerSchema> {
  const phone = (p: string) => (clear ? p : maskPhone(p));
  const consent = v.consent as { guardianName: string; guardianPhone: string; relationship: string; consentedAt: Date } | undefined;
  return {
    volunteerId: String(v._id),
    realName: clear ? v.realName : maskName(v.realName),
    phone: phone(v.phone),
    skills: v.skills,
    minor: v.minor === true,
    ...(consent ? { guardianConsent: { ...consent, guardianName: clear ? consent.guardianName : maskName(consent.guardianName), guardianPhone: phone(consent.guardianPhone), consentedAt: timestampFromDate(new Date(consent.consentedAt)) } } : {}),
  };
}
