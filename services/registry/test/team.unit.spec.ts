import { describe, expect, it } from "vitest";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { decide, evolve, type TeamCommand, type TeamState } from "../src/domain/team.js";
import { activeTeam, deactivatedTeam, events, futian, orgs, outcome, profile } from "./registry-fixtures.js";

const withMember: TeamState = events(decide(activeTeam, { type: "addVolunteer", volunteerId: "vol-1", skills: [Theme.HEALTH] }, { areas: orgs })).reduce(evolve, activeTeam);

const states: Record<string, TeamState | undefined> = { none: undefined, active: activeTeam, "with vol-1": withMember, deactivated: deactivatedTeam, "deactivated with vol-1": { ...withMember, active: false } };
const commands: Record<string, TeamCommand> = {
  register: { type: "register", teamId: "team-futian", orgId: "sz-futian", ...profile },
  update: { type: "update", ...profile, name: "福田区健康科普队" },
  "add vol-1": { type: "addVolunteer", volunteerId: "vol-1", skills: [Theme.HEALTH] },
  "vol-1 leaves": { type: "leave", volunteerId: "vol-1" },
  deactivate: { type: "deactivate", reason: "队伍解散" },
};

// Every state × command: the events that follow, or the code that refuses it.
const table: Record<string, Record<string, string>> = {
  none: { register: "TeamRegistered", update: "TEAM_NOT_FOUND", "add vol-1": "TEAM_NOT_FOUND", "vol-1 leaves": "TEAM_NOT_FOUND", deactivate: "TEAM_NOT_FOUND" },
  active: { register: "ALREADY_EXISTS", update: "TeamUpdated", "add vol-1": "VolunteerJoinedTeam", "vol-1 leaves": "NOT_A_MEMBER", deactivate: "TeamDeactivated" },
  "with vol-1": { register: "ALREADY_EXISTS", update: "TeamUpdated", "add vol-1": "ALREADY_EXISTS", "vol-1 leaves": "VolunteerLeftTeam", deactivate: "TeamDeactivated" },
  deactivated: { register: "ALREADY_EXISTS", update: "TeamUpdated", "add vol-1": "TEAM_INACTIVE", "vol-1 leaves": "NOT_A_MEMBER", deactivate: "nothing" },
  "deactivated with vol-1": { register: "ALREADY_EXISTS", update: "TeamUpdated", "add vol-1": "TEAM_INACTIVE", "vol-1 leaves": "VolunteerLeftTeam", deactivate: "nothing" },
};

describe("the team decider", () => {
  for (const [from, row] of Object.entries(table)) {
    for (const [name, expected] of Object.entries(row)) {
      it(`${from} + ${name} → ${expected}`, () => {
        expect(outcome(decide(states[from], commands[name]!, { owner: futian, areas: orgs }))).toBe(expected);
      });
    }
  }

  it("registers a team where its org sits, with no members, active", () => {
    expect(activeTeam).toEqual({ teamId: "team-futian", name: profile.name, orgId: "sz-futian", place: futian.place, themes: profile.themes, serviceAreaOrgIds: ["sz-futian"], leaderId: "leader-1", memberIds: [], active: true });
  });

  it("counts a member once they joined, and updates the profile", () => {
    expect(withMember.memberIds).toEqual(["vol-1"]);
    const updated = events(decide(withMember, commands.update!, { areas: orgs })).reduce(evolve, withMember);
    expect(updated).toMatchObject({ name: "福田区健康科普队", memberIds: ["vol-1"] });
  });

  it("a member who leaves is no longer counted; a deactivated team stays deactivated", () => {
    const left = events(decide(withMember, commands["vol-1 leaves"]!, { areas: orgs })).reduce(evolve, withMember);
    expect(left.memberIds).toEqual([]);
    const deactivated = events(decide(withMember, commands.deactivate!, { areas: orgs })).reduce(evolve, withMember);
    expect(deactivated).toMatchObject({ active: false, memberIds: ["vol-1"] });
    expect(events(decide(deactivated, commands.deactivate!, { areas: orgs }))).toEqual([]);
  });

  describe("references and the profile's rules (register and update alike)", () => {
    const cases: [string, Partial<TeamCommand>, string, string][] = [
      ["a service area that does not exist", { serviceAreaOrgIds: ["sz-futian", "sz-ghost"] }, "ORG_NOT_FOUND", "serviceAreaOrgIds"],
      ["no service area", { serviceAreaOrgIds: [] }, "AREA_REQUIRED", "serviceAreaOrgIds"],
      ["no theme", { themes: [] }, "THEMES_REQUIRED", "themes"],
    ];
    for (const [label, change, code, field] of cases) {
      for (const command of ["register", "update"] as const) {
        it(`${command} with ${label} → ${code}`, () => {
          const decision = decide(command === "register" ? undefined : activeTeam, { ...commands[command]!, ...change } as TeamCommand, { owner: futian, areas: orgs });
          expect(decision.ok ? "" : [decision.error.code, decision.error.field]).toEqual([code, field]);
        });
      }
    }

    it("refuses a team whose owning org does not exist", () => {
      const decision = decide(undefined, commands.register!, { owner: undefined, areas: orgs });
      expect(decision.ok ? "" : [decision.error.code, decision.error.field]).toEqual(["ORG_NOT_FOUND", "orgId"]);
    });

    it("keeps each theme and area once", () => {
      const [event] = events(decide(activeTeam, { ...commands.update!, themes: [Theme.HEALTH, Theme.HEALTH], serviceAreaOrgIds: ["sz-futian", "sz-futian"] } as TeamCommand, { areas: orgs }));
      expect(event).toMatchObject({ type: "TeamUpdated", themes: [Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"] });
    });
  });
});
