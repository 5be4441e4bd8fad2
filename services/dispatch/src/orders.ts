// The use cases of dispatch: load an order, check who asks, decide, save state + events together.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { ActorSchema, Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { isKepuError, kepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import { serializedWrite } from "@kepu/mongo";
import type { OutboxRelay } from "@kepu/outbox";
import { decide, type OrderCommand } from "./domain/decide.js";
import type { DeadlinesByDistrict } from "./domain/deadlines.js";
import { orderErrors } from "./domain/errors.js";
import { evolve, type OrderState, type RecordedOrderEvent } from "./domain/order.js";
import { authorize } from "./domain/policy.js";
import { checkReferences, teamsNamed, type Day, type KnownMenuItem, type KnownOrg, type KnownTeam, type ReferenceFacts } from "./domain/references.js";
import { toEnvelope, toTimeline, type Cause } from "./messaging/order-events.js";
import type { OrderStore, StoredOrder } from "./store/order-store.js";

export type Clock = () => Date;

/** What dispatch's read model of the registry holds of an order's references (references.ts checks them). */
export interface ReferenceReader {
  org(orgId: string): Promise<KnownOrg | undefined>;
  menuItem(itemId: string): Promise<KnownMenuItem | undefined>;
  teams(teamIds: readonly string[]): Promise<ReadonlyMap<string, KnownTeam>>;
}

/** The calendar date of an instant in the deployment's zone (@kepu/calendar: Beijing). */
export type DayOf = (at: Date) => Day;

/** Timers and events from other services act as the system. */
export const systemActor: Actor = create(ActorSchema, { id: "dispatch", role: Role.SYSTEM, displayName: "系统" });

const maxAttempts = 8;

export class Orders {
  constructor(
    private readonly store: OrderStore,
    private readonly relay: OutboxRelay,
    private readonly deadlines: DeadlinesByDistrict,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly references: ReferenceReader,
    private readonly dayOf: DayOf,
  ) {}

  /**
   * Runs one command. When another writer got there first (the version moved), it reloads and
   * decides again: a second team accepting then gets ORDER_ALREADY_ACCEPTED, not a silent win.
   */
  handle(orderId: string, command: OrderCommand, actor: Actor | undefined, cause: Cause): Promise<StoredOrder> {
    // One command per order at a time in this process: fifty teams racing are answered one after
    // another from the last saved state, and only the winner writes. Another process's write is
    // still caught by the version guard.
    return serializedWrite("order-command", orderId, () => this.handleNow(orderId, command, actor, cause));
  }

  private async handleNow(orderId: string, command: OrderCommand, actor: Actor | undefined, cause: Cause): Promise<StoredOrder> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const before = await this.store.load(orderId, { fresh: attempt > 1 });
      if (command.kind === "submit" && before && before.state.requesterId === command.requesterId) return before; // a retried 点单
      if (command.kind !== "submit" && !before) throw orderErrors.notFound(orderId);
      const facts = await this.factsFor(command, before?.state);
      const areas = command.kind === "accept" && actor?.role === Role.TEAM_LEADER ? (facts.teams.get(actor.orgId)?.serviceAreaOrgIds ?? []) : [];
      const allowed = authorize(command, before?.state, actor, areas);
      if (!allowed.ok) throw allowed.error;
      const now = this.clock();
      const preferred = command.kind === "submit" && command.request.preferredDate ? this.dayOf(timestampDate(command.request.preferredDate)) : undefined;
      const referenced = checkReferences(command, before?.state, facts, { today: this.dayOf(now), preferred });
      if (!referenced.ok) throw referenced.error;
      const decision = decide(before?.state, command, { now, deadlines: this.deadlines });
      if (!decision.ok) throw decision.error;
      if (decision.value.length === 0) return before!;

      let state = before?.state;
      const recorded: RecordedOrderEvent[] = [];
      for (const event of decision.value) {
        state = evolve(state, event, orderId, now);
        recorded.push({ event, version: state.version, at: now, actor });
      }
      const after = state as OrderState;
      const envelopes = recorded.map((r) => toEnvelope(orderId, r, after, cause));
      const steps = recorded.map(toTimeline);
      if ((await this.store.save(before, after, steps, envelopes)) === "saved") {
        this.relay.kick(this.store.orders, orderId);
        return { state: after, timeline: [...(before?.timeline ?? []), ...steps] };
      }
      this.log.debug({ orderId, attempt, command: command.kind }, "order changed meanwhile; deciding again");
    }
    throw kepuError("conflict", "ORDER_BUSY", "订单正被频繁修改，请稍后重试", "The order is changing quickly; please retry");
  }

  /**
   * A community moved (OrganizationMoved): each of its open orders follows it through the decider
   * like any other change (relocate, by the system): OrderCommunityMoved in its outbox, a timeline
   * step, version+1. `moved` is where the read model has the community now, so a redelivered or
   * older move decides nothing. `namesOf` names the orgs on both places (the timeline's words).
   * Returns how many orders moved.
   */
  async relocateCommunity(moved: KnownOrg, namesOf: (orgIds: readonly string[]) => Promise<Record<string, string>>, cause: Cause): Promise<number> {
    let count = 0;
    for (const orderId of await this.store.openOrdersOf(moved.orgId)) {
      const before = (await this.store.load(orderId, { fresh: true }))?.state;
      const names = await namesOf([...moved.path, ...(before?.request.community?.path ?? [])]);
      const after = await this.handle(orderId, { kind: "relocate", moved, names }, systemActor, cause);
      if (after.state.version !== before?.version) count++;
    }
    return count;
  }

  /**
   * A merge group's lead was scheduled or delivered (merge.ts): each other order of the group
   * follows it with the same command, as the system. One that moved on (cancelled) is left as it is.
   */
  async followLead(lead: OrderState, command: OrderCommand, cause: Cause): Promise<void> {
    for (const member of lead.mergedOrders ?? []) {
      if (member.orderId === lead.orderId) continue;
      try {
        await this.handle(member.orderId, command, systemActor, cause);
      } catch (error) {
        if (!(isKepuError(error) && error.code === "ORDER_WRONG_STATUS")) throw error;
        this.log.warn({ orderId: member.orderId, leadOrderId: lead.orderId }, "a merged order moved on before its group's activity");
      }
    }
  }

  /** What the read model holds of the references this command names. */
  private async factsFor(command: OrderCommand, state: OrderState | undefined): Promise<ReferenceFacts> {
    const community = command.kind === "submit" ? command.request.community : state?.request.community;
    const [org, menuItem, teams] = await Promise.all([
      command.kind === "submit" ? this.references.org(community?.orgId ?? "") : undefined,
      command.kind === "submit" ? this.references.menuItem(command.request.menuItemId) : undefined,
      this.references.teams(teamsNamed(command)),
    ]);
    return { community: org, menuItem, teams };
  }
}
