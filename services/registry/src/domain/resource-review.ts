// The 《科普资源名录》's review workflow, pure: an org submits a resource of its own (待审核), the
// association of its level approves it, rejects it with a reason or asks for changes with a note;
// the owner edits it, and a material edit (capacity, kind, area, availability) of a published one
// sends it back to review (and off the directory until approved again).
import { fail, kepuError, ok, type Result } from "@kepu/errors";
import { ResourceKind, ResourceStatus } from "@kepu/contracts/registry/v1/events_pb";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { ResourceEvent, ResourceProfile, ResourceState } from "./resource.js";

export type ReviewDecision = "approve" | "reject" | "askChanges";

export type ReviewCommand =
  | { type: "submit"; resourceId: string; ownerOrgId: string; profile: ResourceProfile }
  | { type: "edit"; profile: ResourceProfile }
  | { type: "review"; decision: ReviewDecision; note: string };

const bad = (code: string, zh: string, en: string, field: string) => kepuError("invalid", code, zh, en, field);

export const reviewErrors = {
  notPending: (status: ResourceStatus) => kepuError("conflict", "RESOURCE_NOT_PENDING", `该资源${statusWords[status]?.[0] ?? ""}，不在待审核状态`, `The resource is ${statusWords[status]?.[1] ?? "not pending"}, not waiting for review`, "resourceId"),
  noteRequired: (decision: ReviewDecision) =>
    decision === "reject" ? bad("REASON_REQUIRED", "请填写不通过的原因", "Give the reason for rejecting it", "note") : bad("NOTE_REQUIRED", "请写明需要修改的内容", "Say what should change", "note"),
  ownerClosed: (orgId: string) => registryErrors.orgClosed(orgId, "ownerOrgId"),
};

/** The words of each status, Chinese and English. */
export const statusWords: Partial<Record<ResourceStatus, [string, string]>> = {
  [ResourceStatus.PENDING]: ["待审核", "pending review"],
  [ResourceStatus.PUBLISHED]: ["已发布", "published"],
  [ResourceStatus.REJECTED]: ["未通过", "rejected"],
  [ResourceStatus.CHANGES_REQUESTED]: ["待修改", "waiting for changes"],
};

/** What a profile must say before it is reviewed. */
export function checkProfile(profile: ResourceProfile): Result<ResourceProfile> {
  const name = profile.name.trim();
  if (!name || [...name].length > 100) return fail(bad("NAME_REQUIRED", "请填写 1 到 100 字的资源名称", "The name must be 1 to 100 characters", "profile.name"));
  if (!profile.kind || !ResourceKind[profile.kind]) return fail(bad("KIND_REQUIRED", "请选择资源类型", "Choose the kind of resource", "profile.kind"));
  if (profile.capacity < 0 || profile.capacity > 100_000) return fail(bad("BAD_CAPACITY", "容纳人数须在 0 到 100000 之间", "Capacity must be 0 to 100000", "profile.capacity"));
  if (profile.kind === ResourceKind.VENUE && profile.capacity < 1) return fail(bad("VENUE_CAPACITY_REQUIRED", "场馆须填写容纳人数", "A venue needs its capacity", "profile.capacity"));
  if (profile.areaOrgIds.length === 0) return fail(bad("AREA_REQUIRED", "请选择服务范围", "Choose the area it serves", "profile.areaOrgIds"));
  if (profile.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) return fail(bad("BAD_WEEKDAY", "可用日须为周一到周日", "Available days must be Monday to Sunday", "profile.availability.weekdays"));
  if (profile.photoIds.length > 9) return fail(bad("TOO_MANY_PHOTOS", "最多 9 张照片", "At most 9 photos", "profile.photoIds"));
  const weekdays = [...new Set(profile.weekdays)].sort((a, b) => a - b);
  return ok({ ...profile, name, weekdays, description: profile.description.trim(), availabilityNote: profile.availabilityNote.trim() });
}

const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));

/** A change the reviewers must see again: capacity, kind, the area served, when it is available. */
export function isMaterial(before: ResourceProfile, after: ResourceProfile): boolean {
  return before.capacity !== after.capacity || before.kind !== after.kind || !sameSet(before.areaOrgIds, after.areaOrgIds) || !sameSet(before.weekdays, after.weekdays) || before.availabilityNote !== after.availabilityNote;
}

/** The owner org (submit). */
export interface ReviewContext {
  owner?: OrgState | undefined;
}

/** `profile` has passed checkProfile at the edge. */
export function decideReview(state: ResourceState | undefined, command: ReviewCommand, context: ReviewContext): Result<ResourceEvent[]> {
  if (command.type === "submit") {
    const { resourceId, ownerOrgId, profile } = command;
    if (state) return fail(registryErrors.alreadyExists(resourceId));
    if (!context.owner) return fail(registryErrors.notFound("organizations", ownerOrgId, "ownerOrgId"));
    if (context.owner.closed) return fail(reviewErrors.ownerClosed(ownerOrgId));
    return ok([{ type: "ResourceSubmitted", resourceId, ownerOrgId, place: context.owner.place, profile }]);
  }
  if (!state) return fail(registryErrors.notFound("resources", "", "resourceId"));
  const { resourceId } = state;
  switch (command.type) {
    case "edit": {
      const published = state.status === ResourceStatus.PUBLISHED;
      // Anything not published goes (back) to review when edited: a rejected or returned one is resubmitted.
      const backToReview = !published || isMaterial(state, command.profile);
      const edited: ResourceEvent = { type: "ResourceEdited", resourceId, profile: command.profile, backToReview };
      // Off the directory until approved again: consumers (sessions naming it) hear it is not available.
      return ok(published && backToReview && state.available ? [edited, { type: "ResourceAvailabilityChanged", resourceId, available: false }] : [edited]);
    }
    case "review": {
      if (state.status !== ResourceStatus.PENDING) return fail(reviewErrors.notPending(state.status));
      const note = command.note.trim();
      if (command.decision === "approve") {
        const { kind, name, ownerOrgId, place, capacity } = state;
        // Published: consumers of the 名录 learn of it as they always have, by ResourceListed.
        return ok([{ type: "ResourceApproved", resourceId }, { type: "ResourceListed", resourceId, kind, name, ownerOrgId, place, capacity, available: true }]);
      }
      if (!note) return fail(reviewErrors.noteRequired(command.decision));
      return ok([command.decision === "reject" ? { type: "ResourceRejected", resourceId, reason: note } : { type: "ResourceChangesRequested", resourceId, note }]);
    }
  }
}

/** Whether a provider may name the resource on a menu item: published, and its own org's or open to others. */
export function usableBy(resource: ResourceState, providerOrgId: string): boolean {
  return resource.status === ResourceStatus.PUBLISHED && resource.available && (resource.ownerOrgId === providerOrgId || resource.openToOthers);
}
