// Use cases of 科普基地: thin — load, authorize, decide (domain/base.ts), save.
import { authorize, can, listScope } from "@kepu/access";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { isKepuError, kepuError } from "@kepu/errors";
import * as base from "../domain/base.js";
import type { BaseCommand, BaseState } from "../domain/base.js";
import { beijingYear, certificateNumber, expiring, overdue, prefill, reviewerFits, type CriterionScore, type YearFigures } from "../domain/base-rules.js";
import * as menuItem from "../domain/menu-item.js";
import { mappings } from "../store/documents.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting, type Clock } from "./decisions.js";
import { registryErrors } from "../domain/errors.js";
import { BaseStatus } from "@kepu/contracts/registry/v1/events_pb";
import type { Organizations } from "./organizations.js";

/** A base as a reader sees it: its assessment scores only when the reader may read them. */
export interface BaseView {
  base: BaseState;
  scores: boolean;
}

export class Bases {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
    private readonly clock: Clock,
  ) {}

  certify(command: Extract<BaseCommand, { type: "certify" }>, cause: Cause): Promise<BaseState> {
    return this.underOwner("base.review", command, cause);
  }

  /** 基地申请: the base's own staff apply (its org, in the tree). */
  apply(command: Extract<BaseCommand, { type: "apply" }>, cause: Cause): Promise<BaseState> {
    return this.underOwner("base.apply", command, cause);
  }

  /** A command that creates a base under its org: the org loaded, the action authorized there. */
  private underOwner(action: "base.review" | "base.apply", command: Extract<BaseCommand, { type: "certify" | "apply" }>, cause: Cause): Promise<BaseState> {
    return decideAndSave(
      this.store,
      "bases",
      command.baseId,
      base.evolve,
      async (before) => {
        const owner = await this.orgs.required(command.orgId, "orgId");
        const allowed = authorize(action, cause.actor, placedFacts(owner));
        return allowed.ok ? base.decide(before, command, { owner, now: this.clock() }) : allowed;
      },
      cause,
    );
  }

  /** 审核: the association of the application's level approves (numbered, a 5-year term) or rejects with a reason. */
  async reviewApplication(baseId: string, approval: { approve: boolean; reason: string }, cause: Cause): Promise<BaseState> {
    return decideOnExisting(
      this.store,
      "bases",
      baseId,
      "baseId",
      base.evolve,
      async (before) => {
        const allowed = authorize("base.review", cause.actor, placedFacts(before));
        if (!allowed.ok) return allowed;
        if (!reviewerFits(before.level, reviewerLevel(cause.actor))) throw wrongLevel();
        if (!approval.approve) return base.decide(before, { type: "reviewApplication", approve: false, reason: approval.reason }, { now: this.clock() });
        const now = this.clock();
        const year = beijingYear(now);
        // The year's next number at that level, claimed by _id (store/sequences.ts): concurrent approvals
        // get distinct numbers; this base deciding again (the version moved) keeps the one it claimed.
        const sequence = await this.store.sequences.claim(`base-number:${before.level}:${year}`, before.baseId);
        const number = certificateNumber(before.level, year, sequence);
        return base.decide(before, { type: "reviewApplication", approve: true, certificateNumber: number }, { now });
      },
      cause,
    );
  }

  /** The assessor's draft: 有活动 and 有影响 pre-filled from the year's figures and ratings (the caller reads them from the statistics). */
  async draft(baseId: string, figures: YearFigures, actor: Actor | undefined): Promise<CriterionScore[]> {
    const found = await this.store.load("bases", baseId);
    if (!found) throw registryErrors.notFound("bases", baseId, "baseId");
    const allowed = authorize("base.review", actor, placedFacts(found.state));
    if (!allowed.ok) throw allowed.error;
    return prefill(figures);
  }

  /** 撤销: the base's certification ends; its menu items are withdrawn afterwards, by the reaction to BaseRevoked (messaging/base-revocations.ts). */
  revoke(baseId: string, reason: string, cause: Cause): Promise<BaseState> {
    return this.review(baseId, { type: "revoke", reason }, cause);
  }

  /**
   * The reaction to a revoked base (BaseRevoked, or a status change to revoked): its menu items
   * still offered are withdrawn (MenuItemWithdrawn), with the reason; how many were. The base is
   * read as stored now, so a repeat, a replay or an older event finds nothing left to withdraw
   * (an item withdrawn meanwhile by someone else is skipped), and a crash halfway is finished by
   * the event's redelivery.
   */
  async withdrawOffers(baseId: string, cause: Cause): Promise<number> {
    const b = await this.store.state("bases", baseId);
    if (b?.status !== BaseStatus.REVOKED) return 0;
    const items = await this.store.find("menu", { withdrawn: false, "item.providerId": b.baseId });
    const reason = `基地「${b.name}」已撤销认定：${b.reason || "—"}`;
    let withdrawn = 0;
    for (const doc of items) {
      const item = mappings.menu.toState(doc);
      try {
        await decideOnExisting(this.store, "menu", item.itemId, "itemId", menuItem.evolve, async (before) => menuItem.decide(before, { type: "withdraw", reason }, {}), cause);
        withdrawn++;
      } catch (error) {
        if (!(isKepuError(error) && error.code === alreadyWithdrawn)) throw error;
      }
    }
    return withdrawn;
  }

  /** Terms ending within `withinDays`, and last year's assessments not done, under an org. */
  async deadlines(orgId: string, withinDays: number, actor: Actor | undefined): Promise<{ expiring: BaseState[]; overdue: BaseState[] }> {
    listScope("base.read", actor);
    const now = this.clock();
    const bases = (await this.store.basesUnder(orgId)).filter((b) => can("base.readScores", actor, placedFacts(b)));
    const of = (b: BaseState) => ({ offering: base.baseOffers(b.status), termStart: b.termStart, termEnd: b.termEnd, assessedYears: Object.keys(b.assessments).map(Number) });
    return {
      expiring: bases.filter((b) => expiring(of(b), now, withinDays)).sort((a, b) => a.termEnd!.getTime() - b.termEnd!.getTime()),
      overdue: bases.filter((b) => overdue(of(b), now)),
    };
  }

  /** 状态变更, 年度考核, 续期, 撤销: the association of the base's subtree reviews. */
  review(baseId: string, command: Exclude<BaseCommand, { type: "certify" | "apply" | "reviewApplication" }>, cause: Cause): Promise<BaseState> {
    return decideOnExisting(
      this.store,
      "bases",
      baseId,
      "baseId",
      base.evolve,
      async (before) => {
        const allowed = authorize("base.review", cause.actor, placedFacts(before));
        return allowed.ok ? base.decide(before, command, { now: this.clock() }) : allowed;
      },
      cause,
    );
  }

  async list(orgId: string, actor: Actor | undefined): Promise<BaseView[]> {
    listScope("base.read", actor); // all staff see every base's status
    // Scores are for the base itself and the associations above it.
    return (await this.store.basesUnder(orgId)).map((b) => ({ base: b, scores: can("base.readScores", actor, placedFacts(b)) }));
  }
}


/** The level of association the actor reviews for: the city's (and admins), a district's, or none. */
function reviewerLevel(actor: Actor | undefined): "city" | "district" | "other" {
  if (actor?.role === Role.CITY_STAFF || actor?.role === Role.ADMIN) return "city";
  if (actor?.role === Role.DISTRICT_STAFF) return "district";
  return "other";
}

/** What withdrawing an item someone withdrew meanwhile is refused with (domain/errors.ts). */
const alreadyWithdrawn = "ITEM_WITHDRAWN";

const wrongLevel = () => kepuError("forbidden", "WRONG_REVIEW_LEVEL", "该级别的基地申请须由对应级别的科协审核", "An application at this level is reviewed by the association of that level", "baseId");
