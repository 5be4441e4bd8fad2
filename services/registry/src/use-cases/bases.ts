// Use cases of 科普基地: thin — load, authorize, decide (domain/base.ts), save.
import { authorize, can, listScope } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import * as base from "../domain/base.js";
import type { BaseCommand, BaseState } from "../domain/base.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting, type Clock } from "./decisions.js";
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
    return decideAndSave(
      this.store,
      "bases",
      command.baseId,
      base.evolve,
      async (before) => {
        const owner = await this.orgs.required(command.orgId, "orgId");
        const allowed = authorize("base.review", cause.actor, placedFacts(owner));
        return allowed.ok ? base.decide(before, command, { owner, now: this.clock() }) : allowed;
      },
      cause,
    );
  }

  /** 状态变更 and 年度考核: the association of the base's subtree reviews. */
  review(baseId: string, command: Exclude<BaseCommand, { type: "certify" }>, cause: Cause): Promise<BaseState> {
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
