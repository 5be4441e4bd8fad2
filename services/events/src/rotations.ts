// The rotation plans of mobile resources (流动科技馆 / 科普大篷车): proposed fairly from the
// resource's calendar, saved onto it (each stay a reservation of whole days), edited stay by stay.
// Only the association (or base) that owns the resource in the 名录 plans it.
import { serializedWrite } from "@kepu/mongo";
import { Role, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError, type Result } from "@kepu/errors";
import { monthOf } from "./domain/calendar.js";
import { activityErrors as errors } from "./domain/errors.js";
import { checkRotation, editRotation, proposeRotation, rotationPrefix, stayReservations, type RotationCommunity, type RotationEdit, type RotationPlan, type RotationRules } from "./domain/rotation.js";
import type { CalendarStore } from "./store/calendar-store.js";
import type { RegistryStore } from "./store/registry-store.js";

const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

const notOwner = (resourceId: string) => kepuError("forbidden", "NOT_RESOURCE_OWNER", `只有资源 ${resourceId} 的所属单位可以安排巡回计划`, `Only the org that owns resource ${resourceId} can plan its rotation`);
const notListed = (resourceId: string) => errors.resourceNotListed(resourceId);

export class Rotations {
  constructor(
    private readonly calendars: CalendarStore,
    private readonly registry: RegistryStore,
  ) {}

  private async requireOwner(resourceId: string, actor: Actor | undefined): Promise<void> {
    if (!actor) throw errors.signIn();
    const owner = await this.registry.ownerOf(resourceId);
    if (owner === undefined) throw notListed(resourceId);
    if (actor.role !== Role.ADMIN && (actor.role === Role.RESIDENT || actor.orgId !== owner)) throw notOwner(resourceId);
  }

  /** What else holds the resource in that month: everything but this plan's own stays. */
  private async heldBesides(resourceId: string, month: string) {
    return (await this.calendars.month(resourceId, month)).filter((r) => !r.sessionId.startsWith(rotationPrefix(resourceId, month)));
  }

  private month(text: string): string {
    const month = monthOf(text);
    if (!month) throw errors.badMonth(text);
    return month;
  }

  async propose(resourceId: string, communities: RotationCommunity[], rules: RotationRules, actor: Actor | undefined): Promise<RotationPlan> {
    await this.requireOwner(resourceId, actor);
    const month = this.month(rules.month);
    return must(proposeRotation(communities, await this.heldBesides(resourceId, month), { ...rules, month }));
  }

  /** Saves a plan (as proposed, or as a staff member laid it out): checked whole, then its stays replace the month's previous ones on the calendar. */
  async save(resourceId: string, plan: RotationPlan, actor: Actor | undefined): Promise<RotationPlan> {
    await this.requireOwner(resourceId, actor);
    const month = this.month(plan.month);
    return serializedWrite("rotation", `${resourceId}:${month}`, () => this.saveNow(resourceId, { ...plan, month }));
  }

  private async saveNow(resourceId: string, plan: RotationPlan): Promise<RotationPlan> {
    const problem = checkRotation(plan, await this.heldBesides(resourceId, plan.month));
    if (problem) throw problem;
    const before = await this.calendars.rotation(resourceId, plan.month);
    if (before) await this.calendars.release(resourceId, stayReservations(resourceId, before));
    try {
      // The calendar checks again under its own lock: a session saved meanwhile still wins.
      await this.calendars.reserve(resourceId, stayReservations(resourceId, plan));
    } catch (error) {
      if (before) await this.calendars.reserve(resourceId, stayReservations(resourceId, before));
      throw error;
    }
    await this.calendars.saveRotation(resourceId, plan);
    return plan;
  }

  async get(resourceId: string, month: string, actor: Actor | undefined): Promise<RotationPlan | undefined> {
    await this.requireOwner(resourceId, actor);
    return this.calendars.rotation(resourceId, this.month(month));
  }

  /** A stay moved (keeping its length) or removed, the plan checked again and saved. */
  async edit(resourceId: string, month: string, edit: RotationEdit, actor: Actor | undefined): Promise<RotationPlan> {
    await this.requireOwner(resourceId, actor);
    const valid = this.month(month);
    return serializedWrite("rotation", `${resourceId}:${valid}`, async () => {
      const plan = await this.calendars.rotation(resourceId, valid);
      if (!plan) throw kepuError("not_found", "ROTATION_NOT_FOUND", `资源 ${resourceId} 在 ${valid} 没有已保存的巡回计划`, `Resource ${resourceId} has no saved rotation for ${valid}`);
      const edited = must(editRotation(plan, edit, await this.heldBesides(resourceId, valid)));
      return this.saveNow(resourceId, edited);
    });
  }
}
