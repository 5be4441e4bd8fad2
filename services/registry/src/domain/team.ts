// The team aggregate (科技志愿服务队) and its members: pure decide / evolve. A volunteer's real name
// and phone are not the team's state: the use case keeps them in the volunteers' own records.
import { fail, ok, type Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { registryErrors } from "./errors.js";
import type { OrgState } from "./organization.js";
import type { Place } from "./org-tree.js";
import { checkTeamProfile, type TeamProfile } from "./teams.js";

export interface TeamState {
  teamId: string;
  name: string;
  /** The org the team belongs to; the team sits where it sits. */
  orgId: string;
  place: Place;
  themes: Theme[];
  serviceAreaOrgIds: string[];
  leaderId: string;
  memberIds: string[];
  /** A deactivated team (TeamDeactivated) takes no members and offers nothing. */
  active: boolean;
}

interface Profile extends TeamProfile {
  name: string;
  leaderId: string;
}

/** What is asked of a team. */
export type TeamCommand =
  | ({ type: "register"; teamId: string; orgId: string } & Profile)
  | ({ type: "update" } & Profile)
  | { type: "addVolunteer"; volunteerId: string; skills: Theme[] }
  | { type: "leave"; volunteerId: string }
  | { type: "deactivate"; reason: string };

/** What the use case loaded for the command: the owning org (register) and the service areas named. */
export interface TeamContext {
  owner?: OrgState | undefined;
  areas: ReadonlyMap<string, OrgState>;
}

export type TeamEvent =
  | { type: "TeamRegistered"; teamId: string; name: string; orgId: string; place: Place; themes: Theme[]; serviceAreaOrgIds: string[]; leaderId: string }
  | { type: "TeamUpdated"; teamId: string; name: string; themes: Theme[]; serviceAreaOrgIds: string[]; leaderId: string }
  | { type: "VolunteerJoinedTeam"; teamId: string; volunteerId: string; skills: Theme[] }
  | { type: "VolunteerLeftTeam"; teamId: string; volunteerId: string }
  | { type: "TeamDeactivated"; teamId: string; reason: string };

/** A team's themes and areas: every area an org that exists, then the profile's own rules. */
function profileOf(command: TeamProfile, areas: ReadonlyMap<string, OrgState>): Result<TeamProfile> {
  const missing = command.serviceAreaOrgIds.find((area) => !areas.has(area));
  if (missing !== undefined) return fail(registryErrors.notFound("organizations", missing, "serviceAreaOrgIds"));
  return checkTeamProfile({ themes: command.themes, serviceAreaOrgIds: command.serviceAreaOrgIds });
}

export function decide(state: TeamState | undefined, command: TeamCommand, context: TeamContext): Result<TeamEvent[]> {
  if (command.type === "register") {
    if (state) return fail(registryErrors.alreadyExists(command.teamId));
    if (!context.owner) return fail(registryErrors.notFound("organizations", command.orgId, "orgId"));
    const profile = profileOf(command, context.areas);
    if (!profile.ok) return profile;
    const { teamId, name, orgId, leaderId } = command;
    return ok([{ type: "TeamRegistered", teamId, name, orgId, place: context.owner.place, ...profile.value, leaderId }]);
  }
  if (!state) return fail(registryErrors.notFound("teams", "", "teamId"));
  switch (command.type) {
    case "update": {
      const profile = profileOf(command, context.areas);
      if (!profile.ok) return profile;
      return ok([{ type: "TeamUpdated", teamId: state.teamId, name: command.name, ...profile.value, leaderId: command.leaderId }]);
    }
    case "addVolunteer":
      if (!state.active) return fail(registryErrors.teamDeactivated(state.teamId));
      if (state.memberIds.includes(command.volunteerId)) return fail(registryErrors.alreadyMember());
      return ok([{ type: "VolunteerJoinedTeam", teamId: state.teamId, volunteerId: command.volunteerId, skills: command.skills }]);
    case "leave":
      // Leaving is allowed from a deactivated team too: its members may still go.
      if (!state.memberIds.includes(command.volunteerId)) return fail(registryErrors.notAMember(command.volunteerId));
      return ok([{ type: "VolunteerLeftTeam", teamId: state.teamId, volunteerId: command.volunteerId }]);
    case "deactivate":
      // Deactivating a deactivated team decides nothing: the same request again changes nothing.
      return ok(state.active ? [{ type: "TeamDeactivated", teamId: state.teamId, reason: command.reason }] : []);
  }
}

export function evolve(state: TeamState | undefined, event: TeamEvent): TeamState {
  if (event.type === "TeamRegistered") {
    const { type: _type, ...registered } = event;
    return { ...registered, memberIds: [], active: true };
  }
  if (!state) throw new Error(`${event.type} before TeamRegistered`);
  switch (event.type) {
    case "TeamUpdated":
      return { ...state, name: event.name, themes: event.themes, serviceAreaOrgIds: event.serviceAreaOrgIds, leaderId: event.leaderId };
    case "VolunteerJoinedTeam":
      return { ...state, memberIds: [...state.memberIds, event.volunteerId] };
    case "VolunteerLeftTeam":
      return { ...state, memberIds: state.memberIds.filter((id) => id !== event.volunteerId) };
    case "TeamDeactivated":
      return { ...state, active: false };
  }
}
