// An order's whole chain as GET /api/v1/orders/{orderId}/chain answers it (the fields the page reads).
import type { Activity } from "./activity";

export interface ChainActor {
  id: string;
  role: string;
  orgId: string;
  displayName: string;
}
export interface ChainStep {
  eventType: string;
  occurredAt: string;
  actor?: ChainActor;
  reason: string;
  teamIds: string[];
}
export interface OrderChain {
  order: {
    orderId: string;
    status: string;
    requesterId: string;
    request: { title: string; description: string; theme: string; expectedParticipants: number; community?: { orgId: string; path: string[] } };
    invitedTeamIds: string[];
    acceptedTeamId: string;
    activityId: string;
    rating: number;
    submittedAt: string;
    timeline: ChainStep[];
  };
  names: Record<string, string>;
  activity?: Activity & { organizerOrgId: string; teamId: string; orderId: string; serviceHours: number; uniqueParticipants: number; summaryFiled: boolean; noAttendanceReason: string };
  attendance?: { booked: number; waitlisted: number; checkedIn?: number };
  summary?: { text: string; photoUrls: string[]; filedAt?: string };
  figures?: { orders: number; activities: number; participants: number; serviceHours: number; completionRate: number };
  eventKeys?: string[];
}

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
