// An order's whole chain as GET /api/v1/orders/{orderId}/chain answers it: the generated type
// (api/schema.d.ts), its order and activity as domain/order.ts and activity.ts name them.
import type { OrderChain as ApiOrderChain } from "../api/types";
import type { WithSessions } from "./activity";
import type { WithRequest } from "./order";

export type OrderChain = Omit<ApiOrderChain, "order" | "activity"> & { order: WithRequest<ApiOrderChain["order"]>; activity?: WithSessions<NonNullable<ApiOrderChain["activity"]>> };
export type ChainStep = OrderChain["order"]["timeline"][number];
export type ChainActor = NonNullable<ChainStep["actor"]>;

/** Who took a step, as a person reads it: the name, and the org or team they acted for. */
export function stepActor(step: { actor?: ChainActor }, names: Record<string, string>): { name: string; org: string; automatic: boolean } {
  const actor = step.actor;
  const automatic = !actor || actor.role === "ROLE_SYSTEM" || !actor.id;
  return { name: automatic ? "" : actor.displayName, org: actor?.orgId ? (names[actor.orgId] ?? "") : "", automatic };
}

/** The named teams of a step; a team the viewer may not look up is left unnamed (never its id). */
export const stepTeams = (step: ChainStep, names: Record<string, string>): string[] => step.teamIds.map((id) => names[id]).filter((name): name is string => Boolean(name));

/** The rating's comment: the reason of the step that rated the order. */
export const ratingComment = (timeline: ChainStep[]): string => timeline.filter((s) => /OrderRated$/.test(s.eventType)).at(-1)?.reason ?? "";

/** Where a person opens the activity list the activity is in, by role. */
export function activityHome(role: string | undefined): string {
  if (role === "RESIDENT") return "/resident/bookings";
  if (role === "TEAM_LEADER" || role === "TEAM_MEMBER") return "/team/inbox";
  return "/staff/activities";
}
