// Use cases of 一社区一科普品牌: thin — load the community and the bases named, authorize
// (brand.write: the community's worker, the street and district above it), decide
// (domain/brand.ts), save. The brand page is public to everyone signed in (brand.read).
import { authorize, can, listScope } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import * as brand from "../domain/brand.js";
import type { BrandCommand, BrandPlan, BrandState } from "../domain/brand.js";
import { registryErrors } from "../domain/errors.js";
import { mappings } from "../store/documents.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting } from "./decisions.js";
import type { Organizations } from "./organizations.js";

/** A brand as a reader sees it: with the names of its community and bases, and whether she may change it. */
export interface BrandView {
  brand: BrandState;
  communityName: string;
  baseNames: ReadonlyMap<string, string>;
  writable: boolean;
}

const brandFacts = (b: Pick<BrandState, "place" | "communityId">) => placedFacts({ place: b.place, orgId: b.communityId });

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
  async setPlan(communityId: string, plan: BrandPlan, cause: Cause): Promise<BrandView> {
    const saved = await decideOnExisting(
      this.store,
      "brands",
      communityId,
      "communityId",
      brand.evolve,
      async (before) => {
        const allowed = authorize("brand.write", cause.actor, brandFacts(before));
        return allowed.ok ? brand.decide(before, { type: "setPlan", ...plan }) : allowed;
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
    const [communities, bases] = await Promise.all([
      this.store.states("organizations", states.map((b) => b.communityId)),
      this.store.states("bases", states.flatMap((b) => [b.demoBaseId, ...b.partnerBaseIds])),
    ]);
    const baseNames = new Map([...bases].map(([id, b]) => [id, b.name]));
    return states
      .map((b) => ({ brand: b, communityName: communities.get(b.communityId)?.name ?? "", baseNames, writable: can("brand.write", actor, brandFacts(b)) }))
      .sort((a, b) => a.brand.communityId.localeCompare(b.brand.communityId));
  }

  private async view(b: BrandState, actor: Actor | undefined): Promise<BrandView> {
    const [community, bases] = await Promise.all([this.store.state("organizations", b.communityId), this.store.states("bases", [b.demoBaseId, ...b.partnerBaseIds])]);
    return { brand: b, communityName: community?.name ?? "", baseNames: new Map([...bases].map(([id, x]) => [id, x.name])), writable: can("brand.write", actor, brandFacts(b)) };
  }
}
