// Use cases of the 《科普资源名录》: thin — load, authorize, decide (domain/resource.ts and
// domain/resource-review.ts), save; the directory searched for what the reader may see.
import { authorize, can, listScope } from "@kepu/access";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ResourceStatus, type ResourceKind } from "@kepu/contracts/registry/v1/events_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { registryErrors } from "../domain/errors.js";
import * as resource from "../domain/resource.js";
import type { ResourceCommand, ResourceProfile, ResourceState } from "../domain/resource.js";
import { decideReview, type ReviewDecision } from "../domain/resource-review.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting } from "./decisions.js";
import type { Organizations } from "./organizations.js";

/** A resource as the access model sees it: placed where its owner sits, its own org the owner. */
const resourceFacts = (r: ResourceState) => placedFacts({ place: r.place, orgId: r.ownerOrgId });

/** Whether the actor may see the resource: published ones all staff; others their owner's staff and their reviewers. */
export const mayRead = (r: ResourceState, actor: Actor | undefined): boolean =>
  r.status === ResourceStatus.PUBLISHED ? can("resource.readPublished", actor, resourceFacts(r)) : can("resource.readDraft", actor, resourceFacts(r)) || can("resource.submit", actor, resourceFacts(r)) || can("resource.review", actor, resourceFacts(r));

export interface ResourceSearch {
  kind: ResourceKind;
  theme: Theme;
  /** Serving this org: one of the resource's areas is it or above it. */
  areaOrgId: string;
  weekday: number;
  /** Published unless said. */
  status: ResourceStatus;
  ownerOrgId: string;
  query: string;
  page: number;
  pageSize: number;
}

export class Resources {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
  ) {}

  /** 资源入录 by a reviewer: listed as already reviewed (the demo's seeds). */
  add(command: Extract<ResourceCommand, { type: "list" }>, cause: Cause): Promise<ResourceState> {
    return decideAndSave(
      this.store,
      "resources",
      command.resourceId,
      resource.evolve,
      async (before) => {
        const owner = await this.orgs.required(command.ownerOrgId, "ownerOrgId");
        const allowed = authorize("resource.review", cause.actor, placedFacts(owner));
        return allowed.ok ? resource.decide(before, command, { owner }) : allowed;
      },
      cause,
    );
  }

  /** An org submits a resource of its own: 待审核. `profile` has passed checkProfile. */
  submit(resourceId: string, ownerOrgId: string, profile: ResourceProfile, cause: Cause): Promise<ResourceState> {
    return decideAndSave(
      this.store,
      "resources",
      resourceId,
      resource.evolve,
      async (before) => {
        const owner = await this.orgs.required(ownerOrgId, "ownerOrgId");
        const allowed = authorize("resource.submit", cause.actor, placedFacts(owner));
        return allowed.ok ? decideReview(before, { type: "submit", resourceId, ownerOrgId, profile }, { owner }) : allowed;
      },
      cause,
    );
  }

  /** Its owner's staff edit it; a material edit of a published one goes back to review. */
  edit(resourceId: string, profile: ResourceProfile, cause: Cause): Promise<ResourceState> {
    return this.onExisting(resourceId, "resource.submit", (before) => decideReview(before, { type: "edit", profile }, {}), cause);
  }

  /** The association of its level approves, rejects (a reason) or asks for changes (a note). */
  review(resourceId: string, decision: ReviewDecision, note: string, cause: Cause): Promise<ResourceState> {
    return this.onExisting(resourceId, "resource.review", (before) => decideReview(before, { type: "review", decision, note }, {}), cause);
  }

  private onExisting(resourceId: string, action: "resource.submit" | "resource.review", decide: (before: ResourceState) => ReturnType<typeof decideReview>, cause: Cause): Promise<ResourceState> {
    return decideOnExisting(
      this.store,
      "resources",
      resourceId,
      "resourceId",
      resource.evolve,
      async (before) => {
        // One the caller may not even see is not found, not refused.
        if (!mayRead(before, cause.actor) && !can(action, cause.actor, resourceFacts(before))) throw registryErrors.notFound("resources", resourceId, "resourceId");
        const allowed = authorize(action, cause.actor, resourceFacts(before));
        return allowed.ok ? decide(before) : allowed;
      },
      cause,
    );
  }

  async get(resourceId: string, actor: Actor | undefined): Promise<ResourceState> {
    listScope("resource.readPublished", actor);
    const found = await this.store.state("resources", resourceId);
    if (!found || !mayRead(found, actor)) throw registryErrors.notFound("resources", resourceId, "resourceId");
    return found;
  }

  /** The published directory (for every staff member), searched; published resources only. */
  async list(orgId: string, kind: ResourceKind, actor: Actor | undefined): Promise<ResourceState[]> {
    listScope("resource.readPublished", actor);
    return (await this.store.resourcesUnder(orgId, kind)).filter((r) => r.status === ResourceStatus.PUBLISHED);
  }

  /** The directory searched by kind, theme, area served and weekday; another status (the 审核 queue, one's own drafts) shows only those the reader may see. Paged, by name. */
  async search(filter: ResourceSearch, actor: Actor | undefined): Promise<{ resources: ResourceState[]; total: number }> {
    listScope("resource.readPublished", actor);
    const status = filter.status || ResourceStatus.PUBLISHED;
    const areaPath = filter.areaOrgId ? (await this.orgs.required(filter.areaOrgId, "areaOrgId")).place.path : [];
    const query = filter.query.trim().toLowerCase();
    const all = await this.store.resourcesUnder(filter.ownerOrgId, filter.kind);
    const found = all
      .filter((r) => r.status === status && (!filter.ownerOrgId || r.ownerOrgId === filter.ownerOrgId))
      .filter((r) => (!filter.theme || r.themes.includes(filter.theme)) && (!filter.weekday || r.weekdays.includes(filter.weekday)))
      .filter((r) => !filter.areaOrgId || r.areaOrgIds.some((a) => areaPath.includes(a)))
      .filter((r) => !query || r.name.toLowerCase().includes(query) || r.description.toLowerCase().includes(query))
      .filter((r) => mayRead(r, actor))
      .sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || a.resourceId.localeCompare(b.resourceId));
    return { resources: found.slice(filter.page * filter.pageSize, (filter.page + 1) * filter.pageSize), total: found.length };
  }
}
