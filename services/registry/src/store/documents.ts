// The registry's documents as stored, and one mapping each way between a document and the
// aggregate's state. Field names are those the collections have always held.
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ResourceStatus } from "@kepu/contracts/registry/v1/events_pb";
import type { BaseState } from "../domain/base.js";
import type { BrandState } from "../domain/brand.js";
import type { Kind } from "../domain/errors.js";
import type { MenuItemState } from "../domain/menu-item.js";
import type { MenuItemFields } from "../domain/menu.js";
import { nameKeys } from "../domain/org-names.js";
import type { OrgState } from "../domain/organization.js";
import type { Place } from "../domain/org-tree.js";
import { bareProfile, type ResourceState } from "../domain/resource.js";
import type { TeamState } from "../domain/team.js";
import type { GuardianConsent } from "../domain/teams.js";

/** The fields every aggregate document carries besides its state (the outbox's own are left to @kepu/outbox). */
interface Versioned {
  _id: string;
  version: number;
}

// The documents hold the states' fields under the same names, the id as `_id`.
export type OrgDoc = Versioned &
  Omit<OrgState, "orgId" | "closed" | "servedCommunityIds"> & {
    /** Absent on orgs stored before orgs could be closed or serve communities: open, serving none. */
    closed?: boolean;
    servedCommunityIds?: string[];
    /** The keys it is found by name with (domain/org-names.ts), derived from the name on every save. */
    nameKeys?: string[];
  };

export type TeamDoc = Versioned &
  Omit<TeamState, "teamId" | "active"> & {
    /** Absent on teams stored before teams could be deactivated: active. */
    active?: boolean;
  };

export type BaseDoc = Versioned &
  Omit<BaseState, "baseId" | "assessments" | "scored" | "certificateNumber" | "offers" | "reason"> & {
    /** By year, as a string key (a document's keys are strings). */
    assessments: Record<string, boolean>;
    /** Absent on bases certified before applications and scored assessments. */
    scored?: Record<string, BaseState["scored"][number]>;
    certificateNumber?: string;
    offers?: string;
    reason?: string;
  };

/** A resource's fields of the review workflow: absent on resources listed before it (published, a bare profile). */
type ResourceReviewFields = Exclude<keyof ResourceState, "resourceId" | "kind" | "name" | "ownerOrgId" | "place" | "capacity" | "available">;
export type ResourceDoc = Versioned & Omit<ResourceState, "resourceId" | ResourceReviewFields> & Partial<Pick<ResourceState, ResourceReviewFields>>;

export type MenuDoc = Versioned & Omit<MenuItemState, "itemId">;

/** A community's brand (一社区一科普品牌), its id the community's; its plans by year as string keys. */
export type BrandDoc = Versioned & Omit<BrandState, "communityId" | "plans"> & { plans: Record<string, BrandState["plans"][number]> };

/** A volunteer's personal record: kept here only, never in an event. */
export interface VolunteerDoc {
  _id: string;
  teamId: string;
  realName: string;
  phone: string;
  skills: Theme[];
  minor: boolean;
  consent?: GuardianConsent;
  /** Absent on records kept before members could leave: active. */
  status?: VolunteerStatus;
}

/** 在队 or 已离队: a member who left keeps the record, with the team they left. */
export type VolunteerStatus = "active" | "left";

/** A file imported: by its kind and content hash, so the same file again changes nothing. */
export interface ImportDoc {
  _id: string;
  kind: string;
  rows: number;
  written: number;
  at: Date;
}

export interface Docs {
  organizations: OrgDoc;
  teams: TeamDoc;
  bases: BaseDoc;
  resources: ResourceDoc;
  menu: MenuDoc;
  brands: BrandDoc;
}

export interface States {
  organizations: OrgState;
  teams: TeamState;
  bases: BaseState;
  resources: ResourceState;
  menu: MenuItemState;
  brands: BrandState;
}

/** A document's own fields, without its id and version. */
export type Fields<K extends Kind> = Omit<Docs[K], keyof Versioned>;

interface Mapping<K extends Kind> {
  toState(doc: Docs[K]): States[K];
  toFields(state: States[K]): Fields<K>;
}

/** A place as stored: plain fields only (FerretDB refuses keys that start with "$", like protobuf's $typeName). */
export const storedPlace = (place: Partial<Place> | undefined): Place => ({
  orgId: place?.orgId ?? "",
  path: [...(place?.path ?? [])],
  districtId: place?.districtId ?? "",
  streetId: place?.streetId ?? "",
  communityId: place?.communityId ?? "",
});

/** A menu item as stored, without protobuf's $typeName. */
const storedItem = (item: MenuItemFields): MenuItemFields => {
  const { $typeName: _t, ...fields } = item as MenuItemFields & { $typeName?: string };
  return { ...fields, audiences: [...fields.audiences], resourceIds: [...fields.resourceIds] };
};

export const mappings: { [K in Kind]: Mapping<K> } = {
  organizations: {
    toState: ({ _id, name, kind, parentId, place, closed, servedCommunityIds }) => ({
      orgId: _id,
      name,
      kind,
      parentId: parentId ?? "",
      place: storedPlace(place),
      closed: closed === true,
      servedCommunityIds: servedCommunityIds ?? [],
    }),
    toFields: ({ name, kind, parentId, place, closed, servedCommunityIds }) => ({ name, kind, parentId, place: storedPlace(place), closed, servedCommunityIds: [...servedCommunityIds], nameKeys: nameKeys(name) }),
  },
  teams: {
    toState: ({ _id, name, orgId, place, themes, serviceAreaOrgIds, leaderId, memberIds, active }) => ({
      teamId: _id,
      name,
      orgId,
      place: storedPlace(place),
      themes: themes ?? [],
      serviceAreaOrgIds: serviceAreaOrgIds ?? [],
      leaderId: leaderId ?? "",
      memberIds: memberIds ?? [],
      active: active !== false,
    }),
    toFields: ({ name, orgId, place, themes, serviceAreaOrgIds, leaderId, memberIds, active }) => ({ name, orgId, place: storedPlace(place), themes, serviceAreaOrgIds, leaderId, memberIds, active }),
  },
  bases: {
    toState: ({ _id, name, orgId, place, level, status, certifiedOn, termYears, themes, assessments, scored, certificateNumber, termStart, termEnd, offers, reason }) => ({
      baseId: _id,
      name,
      orgId,
      place: storedPlace(place),
      level,
      status,
      certifiedOn: new Date(certifiedOn),
      termYears,
      themes: themes ?? [],
      assessments: Object.fromEntries(Object.entries(assessments ?? {}).map(([year, passed]) => [Number(year), Boolean(passed)])),
      scored: Object.fromEntries(Object.entries(scored ?? {}).map(([year, one]) => [Number(year), one])),
      certificateNumber: certificateNumber ?? "",
      termStart: termStart ? new Date(termStart) : undefined,
      termEnd: termEnd ? new Date(termEnd) : undefined,
      offers: offers ?? "",
      reason: reason ?? "",
    }),
    toFields: ({ name, orgId, place, level, status, certifiedOn, termYears, themes, assessments, scored, certificateNumber, termStart, termEnd, offers, reason }) => ({
      name,
      orgId,
      place: storedPlace(place),
      level,
      status,
      certifiedOn,
      termYears,
      themes,
      assessments: Object.fromEntries(Object.entries(assessments).map(([year, passed]) => [String(year), passed])),
      scored: Object.fromEntries(Object.entries(scored).map(([year, one]) => [String(year), one])),
      certificateNumber,
      termStart,
      termEnd,
      offers,
      reason,
    }),
  },
  resources: {
    toState: (doc) => {
      const bare = bareProfile(doc.kind, doc.name, doc.capacity);
      return {
        resourceId: doc._id,
        kind: doc.kind,
        name: doc.name,
        description: doc.description ?? bare.description,
        capacity: doc.capacity,
        themes: doc.themes ?? bare.themes,
        areaOrgIds: doc.areaOrgIds ?? bare.areaOrgIds,
        weekdays: doc.weekdays ?? bare.weekdays,
        availabilityNote: doc.availabilityNote ?? bare.availabilityNote,
        photoIds: doc.photoIds ?? bare.photoIds,
        openToOthers: doc.openToOthers ?? bare.openToOthers,
        ownerOrgId: doc.ownerOrgId,
        place: storedPlace(doc.place),
        available: doc.available,
        status: doc.status ?? ResourceStatus.PUBLISHED,
        reviewNote: doc.reviewNote ?? "",
      };
    },
    toFields: ({ resourceId: _id, place, themes, areaOrgIds, weekdays, photoIds, ...rest }) => ({ ...rest, place: storedPlace(place), themes: [...themes], areaOrgIds: [...areaOrgIds], weekdays: [...weekdays], photoIds: [...photoIds] }),
  },
  menu: {
    toState: ({ _id, item, place, withdrawn }) => ({ itemId: _id, item: { ...storedItem(item), itemId: _id }, place: storedPlace(place), withdrawn: withdrawn === true }),
    toFields: ({ item, place, withdrawn }) => ({ item: storedItem(item), place: storedPlace(place), withdrawn }),
  },
  brands: {
    toState: ({ _id, name, theme, demoBaseId, partnerBaseIds, slogan, place, plans }) => ({
      communityId: _id,
      name,
      theme,
      demoBaseId,
      partnerBaseIds: partnerBaseIds ?? [],
      slogan: slogan ?? "",
      place: storedPlace(place),
      plans: Object.fromEntries(Object.entries(plans ?? {}).map(([year, plan]) => [Number(year), { year: Number(year), targets: plan.targets ?? [], audiences: plan.audiences ?? [], status: plan.status ?? "awaitingApproval", reviewComment: plan.reviewComment ?? "", reviewerOrgId: plan.reviewerOrgId ?? "" }])),
    }),
    toFields: ({ name, theme, demoBaseId, partnerBaseIds, slogan, place, plans }) => ({
      name,
      theme,
      demoBaseId,
      partnerBaseIds: [...partnerBaseIds],
      slogan,
      place: storedPlace(place),
      plans: Object.fromEntries(Object.entries(plans).map(([year, plan]) => [String(year), { ...plan, targets: plan.targets.map(({ theme: t, month, target }) => ({ theme: t, month, target })), audiences: [...plan.audiences] }])),
    }),
  },
};
