// Use cases of teams and their volunteers: thin — load, authorize, decide (domain/team.ts), save.
import { authorize, can, listScope } from "@kepu/access";
import type { Result } from "@kepu/errors";
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { registryErrors } from "../domain/errors.js";
import type { Place } from "../domain/org-tree.js";
import * as team from "../domain/team.js";
import type { TeamCommand, TeamEvent, TeamState } from "../domain/team.js";
import { consentForJoining, teamFits, type GuardianConsent } from "../domain/teams.js";
import type { VolunteerDoc } from "../store/documents.js";
import type { Cause, RegistryStore, TeamReach } from "../store/registry-store.js";
import { teamFacts, placedFacts } from "./access.js";
import { decideAndSave, decideOnExisting, type Clock } from "./decisions.js";
import type { Organizations } from "./organizations.js";

type Profile = Omit<Extract<TeamCommand, { type: "update" }>, "type">;

/** A volunteer joining, as the edge checked it: the personal record and the team's part. */
export interface Joining {
  volunteerId: string;
  realName: string;
  phone: string;
  skills: Theme[];
  birthDate: Date | undefined;
  guardianConsent: GuardianConsent | undefined;
}

export interface TeamView {
  team: TeamState;
  volunteers: VolunteerDoc[];
  /** Whether the reader sees names and phones in clear. */
  clear: boolean;
}

export class Teams {
  constructor(
    private readonly store: RegistryStore,
    private readonly orgs: Organizations,
    private readonly clock: Clock,
  ) {}

  private areas(ids: readonly string[]) {
    return this.store.states("organizations", ids);
  }

  register(command: Extract<TeamCommand, { type: "register" }>, cause: Cause): Promise<TeamState> {
    return decideAndSave(
      this.store,
      "teams",
      command.teamId,
      team.evolve,
      async (before) => {
        const owner = await this.orgs.required(command.orgId, "orgId");
        const allowed = authorize("team.register", cause.actor, placedFacts(owner));
        return allowed.ok ? team.decide(before, command, { owner, areas: await this.areas(command.serviceAreaOrgIds) }) : allowed;
      },
      cause,
    );
  }

  /** A change to an existing team, by its district association (or above) or its own leader. */
  private change(teamId: string, attempt: (before: TeamState) => Promise<Result<TeamEvent[]>>, cause: Cause): Promise<TeamState> {
    return decideOnExisting(
      this.store,
      "teams",
      teamId,
      "teamId",
      team.evolve,
      async (before) => {
        const allowed = authorize("team.change", cause.actor, teamFacts(before));
        return allowed.ok ? attempt(before) : allowed;
      },
      cause,
    );
  }

  update(teamId: string, profile: Profile, cause: Cause): Promise<TeamState> {
    return this.change(teamId, async (before) => team.decide(before, { type: "update", ...profile }, { areas: await this.areas(profile.serviceAreaOrgIds) }), cause);
  }

  // Real name and phone go to the registry's own volunteers collection only; the event carries
  // the volunteer's id and skills.
  async addVolunteer(teamId: string, joining: Joining, cause: Cause): Promise<VolunteerDoc> {
    const { volunteerId, realName, phone, skills } = joining;
    let record: VolunteerDoc | undefined;
    await this.change(
      teamId,
      async (before) => {
        const personal = consentForJoining(joining.birthDate, joining.guardianConsent, this.clock());
        if (!personal.ok) return personal;
        const decision = team.decide(before, { type: "addVolunteer", volunteerId, skills }, { areas: new Map() });
        if (!decision.ok) return decision;
        record = { _id: volunteerId, teamId, realName, phone, skills, ...personal.value, status: "active" };
        await this.store.saveVolunteer(record); // before the team's write, so a retry after a crash completes the join
        return decision;
      },
      cause,
    );
    return record!;
  }

  /** A member leaves, asked by the team's association or its leader; their record stays, marked left. */
  leave(teamId: string, volunteerId: string, cause: Cause): Promise<TeamState> {
    return this.change(
      teamId,
      async (before) => {
        const decision = team.decide(before, { type: "leave", volunteerId }, { areas: new Map() });
        // Before the team's write, as for joining: a retry after a crash completes the leave.
        if (decision.ok) await this.store.volunteerLeft(volunteerId, teamId);
        return decision;
      },
      cause,
    );
  }

  /** The team stops serving; deactivating it again changes nothing. */
  deactivate(teamId: string, reason: string, cause: Cause): Promise<TeamState> {
    return this.change(teamId, async (before) => team.decide(before, { type: "deactivate", reason }, { areas: new Map() }), cause);
  }

  async get(teamId: string, actor: Actor | undefined): Promise<TeamView> {
    const found = await this.readable(teamId, actor);
    return { team: found, volunteers: await this.store.volunteersOf(teamId), clear: can("team.readPhones", actor, teamFacts(found)) };
  }

  /** One page of the team's current members, for readers of the team; names and phones in clear for its leader and admins only. */
  async members(teamId: string, page: { page: number; pageSize: number }, actor: Actor | undefined): Promise<{ volunteers: VolunteerDoc[]; total: number; clear: boolean }> {
    const found = await this.readable(teamId, actor);
    return { ...(await this.store.membersPage(teamId, page.page, page.pageSize)), clear: can("team.readPhones", actor, teamFacts(found)) };
  }

  /** A team the reader may see; one they may not see is not found. */
  private async readable(teamId: string, actor: Actor | undefined): Promise<TeamState> {
    const found = await this.store.state("teams", teamId);
    if (!found || !can("team.read", actor, teamFacts(found, await this.orgs.pathOf(actor)))) throw registryErrors.notFound("teams", teamId, "teamId");
    return found;
  }

  /** The teams an actor may list (their subtree, the teams serving their area, their own team), under `orgId` when given. */
  async list(orgId: string, actor: Actor | undefined): Promise<TeamState[]> {
    return this.store.teams({ under: orgId, ...(await this.reachOf(actor)) });
  }

  private async reachOf(actor: Actor | undefined): Promise<{ reach?: TeamReach[] }> {
    const scope = listScope("team.read", actor);
    if (scope.all) return {};
    const me = actor!;
    const path = scope.scopes.includes("servedArea") ? await this.orgs.pathOf(me) : [];
    const reach = scope.scopes.flatMap((s): TeamReach[] => {
      if (s === "subtree") return [{ subtreeOf: me.orgId }];
      if (s === "servedArea") return path.length > 0 ? [{ servingAnyOf: path }] : [];
      if (s === "ownTeam") return [{ teamId: me.orgId }];
      return [];
    });
    return { reach };
  }

  /**
   * Teams that fit a piece of work — a menu item, or a theme in a community: active, covering the
   * theme, serving an area that holds the place.
   */
  async eligible(work: { itemId: string } | { theme: Theme; communityId: string }, actor: Actor | undefined): Promise<TeamState[]> {
    listScope("team.read", actor);
    const { theme, place } = "itemId" in work ? await this.itemWork(work.itemId) : { theme: work.theme, place: (await this.orgs.community(work.communityId)).place };
    const candidates = await this.store.teams({ theme, servingAnyOf: place.path });
    return candidates.filter((t) => t.active && teamFits(t, theme, place));
  }

  private async itemWork(itemId: string): Promise<{ theme: Theme; place: Place }> {
    const item = await this.store.state("menu", itemId);
    if (!item) throw registryErrors.notFound("menu", itemId, "itemId");
    return { theme: item.item.theme, place: item.place };
  }
}
