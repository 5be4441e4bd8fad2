// Use cases of 一社区一科普品牌: thin — load the community and the bases named, authorize, decide
// (domain/brand.ts), save. The community's worker writes the brand (brand.write) and its annual
// plans (plan.change); the street and district above it approve or return a plan with a comment
// (plan.approve). The brand page is public to everyone signed in (brand.read).
import { authorize, can, listScope } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import * as brand from "../domain/brand.js";
import type { BrandCommand, BrandPlanInput, BrandState } from "../domain/brand.js";
import { registryErrors } from "../domain/errors.js";
import { mappings } from "../store/documents.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting } from "./decisions.js";
import type { Organizations } from "./organizations.js";

/** A brand as a reader sees it: with the names of its community, bases and plan reviewers, and what she may do. */
export interface BrandView {
  brand: BrandState;
  communityName: string;
  baseNames: ReadonlyMap<string, string>;
  orgNames: ReadonlyMap<string, string>;
  writable: boolean;
  reviewable: boolean;
}

const brandFacts = (b: Pick<BrandState, "place" | "communityId">) => placedFacts({ place: b.place, orgId: b.communityId });
const reviewers = (b: BrandState) => Object.values(b.plans).map((p) => p.reviewerOrgId).filter(Boolean);

function viewOf(b: BrandState, orgNames: ReadonlyMap<string, string>, baseNames: ReadonlyMap<string, string>, actor: Actor | undefined): BrandView {
  const facts = brandFacts(b);
  return { brand: b, communityName: orgNames.get(b.communityId) ?? "", baseNames, orgNames, writable: can("brand.write", actor, facts), reviewable: can("plan.approve", actor, facts) };
}

export class Brands {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
  ) {}

  /** 设立 / 修改品牌: the whole brand each time; the bases named must exist. */
  async define(command: Extract<BrandCommand, { type: "define" }>, cause: Cause): Promise<BrandView> {
    const saved = await decideAndSave(
      this.store,
      "brands",
      command.communityId,
      brand.evolve,
      async (before) => {
        const community = await this.orgs.required(command.communityId, "communityId");
        const allowed = authorize("brand.write", cause.actor, placedFacts(community));
        if (!allowed.ok) return allowed;
        const named = [command.demoBaseId, ...command.partnerBaseIds].filter(Boolean);
        const existingBaseIds = new Set((await this.store.states("bases", named)).keys());
        return brand.decide(before, command, { community, existingBaseIds });
      },
      cause,
    );
    return this.view(saved, cause.actor);
  }

  /** 年度计划: replaces the year's plan of a defined brand. */
  async setPlan(communityId: string, plan: BrandPlanInput, cause: Cause): Promise<BrandView> {
    const saved = await decideOnExisting(
      this.store,
      "brands",
      communityId,
      "communityId",
      brand.evolve,
      async (before) => {
        const allowed = authorize("plan.change", cause.actor, brandFacts(before));
        return allowed.ok ? brand.decide(before, { type: "setPlan", ...plan }) : allowed;
      },
      cause,
    );
    return this.view(saved, cause.actor);
  }

  /** 审批: the street or district above the community approves a year's plan, or returns it with a comment. */
  async reviewPlan(communityId: string, review: { year: number; approve: boolean; comment: string }, cause: Cause): Promise<BrandView> {
    const saved = await decideOnExisting(
      this.store,
      "brands",
      communityId,
      "communityId",
      brand.evolve,
      async (before) => {
        const allowed = authorize("plan.approve", cause.actor, brandFacts(before));
        return allowed.ok ? brand.decide(before, { type: "reviewPlan", ...review, reviewerOrgId: cause.actor?.orgId ?? "" }) : allowed;
      },
      cause,
    );
    return this.view(saved, cause.actor);
  }

  async get(communityId: string, actor: Actor | undefined): Promise<BrandView> {
    listScope("brand.read", actor);
    const found = await this.store.state("brands", communityId);
    if (!found) throw registryErrors.notFound("brands", communityId, "communityId");
    return this.view(found, actor);
  }

  /** The brands of the communities within an org (a street's, a district's). */
  async list(orgId: string, actor: Actor | undefined): Promise<BrandView[]> {
    listScope("brand.read", actor);
    const docs = await this.store.find("brands", orgId ? { "place.path": orgId } : {});
    const states = docs.map((d) => mappings.brands.toState(d));
    const [orgs, bases] = await Promise.all([
      this.store.states("organizations", states.flatMap((b) => [b.communityId, ...reviewers(b)])),
      this.store.states("bases", states.flatMap((b) => [b.demoBaseId, ...b.partnerBaseIds])),
    ]);
    const baseNames = new Map([...bases].map(([id, b]) => [id, b.name]));
    const orgNames = new Map([...orgs].map(([id, o]) => [id, o.name]));
    return states.map((b) => viewOf(b, orgNames, baseNames, actor)).sort((a, b) => a.brand.communityId.localeCompare(b.brand.communityId));
  }

  private async view(b: BrandState, actor: Actor | undefined): Promise<BrandView> {
    const [orgs, bases] = await Promise.all([this.store.states("organizations", [b.communityId, ...reviewers(b)]), this.store.states("bases", [b.demoBaseId, ...b.partnerBaseIds])]);
    return viewOf(b, new Map([...orgs].map(([id, o]) => [id, o.name])), new Map([...bases].map(([id, x]) => [id, x.name])), actor);
  }
}
