// Aggregate states → the messages the RegistryService answers with.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MenuItemSchema, type MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import { BrandPlanStatus, VolunteerStatus, type BaseSchema, type BrandSchema, type OrganizationSchema, type ResourceSchema, type TeamSchema, type VolunteerSchema } from "@kepu/contracts/registry/v1/service_pb";
import { maskName, maskPhone } from "@kepu/privacy";
import type { BaseState } from "../domain/base.js";
import type { BrandView } from "../use-cases/brands.js";
import type { MenuItemState } from "../domain/menu-item.js";
import type { OrgState } from "../domain/organization.js";
import type { ResourceState } from "../domain/resource.js";
import type { TeamState } from "../domain/team.js";
import type { VolunteerDoc } from "../store/documents.js";

export const orgMessage = ({ orgId, name, kind, parentId, place, closed, servedCommunityIds }: OrgState): MessageInitShape<typeof OrganizationSchema> => ({ orgId, name, kind, parentId, place, closed, servedCommunityIds });

export const teamMessage = (team: TeamState, volunteers: MessageInitShape<typeof TeamSchema>["volunteers"] = []): MessageInitShape<typeof TeamSchema> => ({
  teamId: team.teamId,
  name: team.name,
  orgId: team.orgId,
  place: team.place,
  themes: team.themes,
  serviceAreaOrgIds: team.serviceAreaOrgIds,
  leaderId: team.leaderId,
  volunteers,
  memberCount: team.memberIds.length,
  active: team.active,
});

/** A base; its assessment scores only for readers who may see them (`scores`). */
export const baseMessage = (base: BaseState, scores = true): MessageInitShape<typeof BaseSchema> => ({
  baseId: base.baseId,
  name: base.name,
  orgId: base.orgId,
  place: base.place,
  level: base.level,
  status: base.status,
  certifiedOn: timestampFromDate(base.certifiedOn),
  termYears: base.termYears,
  themes: base.themes,
  assessments: scores ? base.assessments : {},
  certificateNumber: base.certificateNumber,
  termStart: base.termStart && timestampFromDate(base.termStart),
  termEnd: base.termEnd && timestampFromDate(base.termEnd),
  offers: base.offers,
  reason: base.reason,
  scored: scores ? Object.values(base.scored).sort((a, b) => a.year - b.year) : [],
});

export const resourceMessage = (r: ResourceState): MessageInitShape<typeof ResourceSchema> => ({
  resourceId: r.resourceId,
  kind: r.kind,
  name: r.name,
  ownerOrgId: r.ownerOrgId,
  place: r.place,
  capacity: r.capacity,
  available: r.available,
  status: r.status,
  reviewNote: r.reviewNote,
  profile: {
    kind: r.kind,
    name: r.name,
    description: r.description,
    capacity: r.capacity,
    themes: r.themes,
    areaOrgIds: r.areaOrgIds,
    availability: { weekdays: r.weekdays, note: r.availabilityNote },
    photoIds: r.photoIds,
    openToOthers: r.openToOthers,
  },
});

export const menuMessage = (menu: MenuItemState): MenuItem => create(MenuItemSchema, { ...menu.item, itemId: menu.itemId });

/**
 * A volunteer as a caller may see them: name and phones (the guardian's too) in clear only for
 * callers who need them (`clear`), masked for everyone else.
 */
export function volunteerMessage(v: VolunteerDoc, clear: boolean): MessageInitShape<typeof VolunteerSchema> {
  const phone = (p: string) => (clear ? p : maskPhone(p));
  const name = (n: string) => (clear ? n : maskName(n));
  const consent = v.consent;
  return {
    volunteerId: v._id,
    realName: name(v.realName),
    phone: phone(v.phone),
    skills: v.skills,
    minor: v.minor === true,
    status: v.status === "left" ? VolunteerStatus.LEFT : VolunteerStatus.ACTIVE,
    ...(consent ? { guardianConsent: { ...consent, guardianName: name(consent.guardianName), guardianPhone: phone(consent.guardianPhone), consentedAt: timestampFromDate(new Date(consent.consentedAt)) } } : {}),
  };
}

const planStatus = { awaitingApproval: BrandPlanStatus.AWAITING_APPROVAL, approved: BrandPlanStatus.APPROVED, returned: BrandPlanStatus.RETURNED } as const;

/** A brand with its community's and bases' names, its plans by year (each with its review), and what the caller may do. */
export const brandMessage = ({ brand, communityName, baseNames, orgNames, writable, reviewable }: BrandView): MessageInitShape<typeof BrandSchema> => ({
  communityId: brand.communityId,
  communityName,
  name: brand.name,
  theme: brand.theme,
  demoBase: { baseId: brand.demoBaseId, name: baseNames.get(brand.demoBaseId) ?? "" },
  partnerBases: brand.partnerBaseIds.map((baseId) => ({ baseId, name: baseNames.get(baseId) ?? "" })),
  place: brand.place,
  slogan: brand.slogan,
  plans: Object.values(brand.plans)
    .sort((a, b) => a.year - b.year)
    .map((plan) => ({ ...plan, status: planStatus[plan.status], reviewerOrgName: orgNames.get(plan.reviewerOrgId) ?? "" })),
  writable,
  reviewable,
});
