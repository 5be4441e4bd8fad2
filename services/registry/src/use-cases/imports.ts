// Bulk import of volunteers: every row checked first (domain/volunteer-import.ts); only a sheet
// without problems is written — per team, the personal records in unordered bulks, then one team
// write per 500 joins with their VolunteerJoinedTeam events (not a read-modify-write per row). The
// file's content hash is recorded last: the same file again answers "imported before" and writes
// nothing; a file whose writing was cut short is completed by uploading it again (rows already
// members are skipped).
import { authorize, listScope } from "@kepu/access";
import { ok } from "@kepu/errors";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import * as team from "../domain/team.js";
import type { TeamEvent, TeamState } from "../domain/team.js";
import { checkVolunteerRows, volunteerColumns, type Column, type Problem, type SheetRow, type VolunteerRow } from "../domain/volunteer-import.js";
import type { Cause, RegistryStore } from "../store/registry-store.js";
import { teamFacts } from "./access.js";
import { decideOnExisting, must, type Clock } from "./decisions.js";

export type ImportKind = "volunteers";

/**
 * Joins per team write: a write carries its events in the team's outbox, which the relay empties
 * with one $pullAll of what it published — cheap for hundreds, slow on FerretDB for ten thousand.
 */
const joinsPerWrite = 500;

const cellOf = (headers: readonly string[], row: SheetRow, header: string) => (row.cells[headers.indexOf(header)] ?? "").trim();

export interface ImportReport {
  imported: boolean;
  rows: number;
  written: number;
  repeated: boolean;
  problems: Problem[];
}

export class Imports {
  constructor(
    private readonly store: RegistryStore,
    private readonly clock: Clock,
  ) {}

  columns(_kind: ImportKind): Column[] {
    return volunteerColumns;
  }

  async importVolunteers(fileHash: string, headers: readonly string[], rows: readonly SheetRow[], cause: Cause): Promise<ImportReport> {
    const importId = `volunteers:${fileHash}`;
    const teams = await this.teamsNamed(headers, rows, cause.actor); // authorized before anything is answered
    if (await this.store.importDone(importId)) return { imported: true, rows: rows.length, written: 0, repeated: true, problems: [] };
    const { valid, problems } = await this.check(headers, rows, teams);
    if (problems.length > 0) return { imported: false, rows: rows.length, written: 0, repeated: false, problems };

    const byTeam = new Map<string, VolunteerRow[]>();
    for (const row of valid) byTeam.set(row.teamId, [...(byTeam.get(row.teamId) ?? []), row]);
    let written = 0;
    for (const [teamId, joining] of byTeam) written += await this.joinAll(teamId, joining, cause);
    await this.store.recordImport({ _id: importId, kind: "volunteers", rows: rows.length, written, at: this.clock() });
    return { imported: true, rows: rows.length, written, repeated: false, problems: [] };
  }

  /**
   * The teams the rows name, each one the importer may change: a file naming a team they may not
   * change is refused whole, as one join would be (and an importer who may change no team at all is refused).
   */
  private async teamsNamed(headers: readonly string[], rows: readonly SheetRow[], actor: Actor | undefined): Promise<Map<string, TeamState>> {
    listScope("team.change", actor);
    const teams = await this.store.states("teams", [...new Set(rows.map((r) => cellOf(headers, r, "队伍编号")).filter(Boolean))]);
    for (const t of teams.values()) must(authorize("team.change", actor, teamFacts(t)));
    return teams;
  }

  private async check(headers: readonly string[], rows: readonly SheetRow[], teams: ReadonlyMap<string, TeamState>) {
    const currentTeamOf = await this.store.currentTeams([...new Set(rows.map((r) => cellOf(headers, r, "志愿者编号")).filter(Boolean))]);
    return checkVolunteerRows(headers, rows, { teams, currentTeamOf, now: this.clock() });
  }

  /** One team's new members, a chunk at a time. */
  private async joinAll(teamId: string, rows: VolunteerRow[], cause: Cause): Promise<number> {
    let joined = 0;
    for (let i = 0; i < rows.length; i += joinsPerWrite) joined += await this.joinChunk(teamId, rows.slice(i, i + joinsPerWrite), cause);
    return joined;
  }

  /** Some of a team's new members: their records, then the team's one write with their joins (those already members skipped). */
  private async joinChunk(teamId: string, rows: VolunteerRow[], cause: Cause): Promise<number> {
    let joined = 0;
    await decideOnExisting(
      this.store,
      "teams",
      teamId,
      "teamId",
      team.evolve,
      async (before) => {
        const allowed = authorize("team.change", cause.actor, teamFacts(before));
        if (!allowed.ok) return allowed;
        const members = new Set(before.memberIds);
        const fresh = rows.filter((r) => !members.has(r.volunteerId));
        await this.store.saveVolunteers(fresh.map(({ volunteerId, teamId: t, realName, phone, skills, minor, consent }) => ({ _id: volunteerId, teamId: t, realName, phone, skills, minor, ...(consent ? { consent } : {}), status: "active" as const })));
        const events: TeamEvent[] = [];
        const state = { ...before, memberIds: [...before.memberIds] }; // one copy, grown as each join is decided
        for (const r of fresh) {
          // The rows were checked against this team; a join refused now (deactivated meanwhile) refuses the team's whole batch.
          const decision = team.decide(state, { type: "addVolunteer", volunteerId: r.volunteerId, skills: r.skills }, { areas: new Map() });
          if (!decision.ok) return decision;
          events.push(...decision.value);
          state.memberIds.push(r.volunteerId);
        }
        joined = fresh.length;
        return ok(events);
      },
      cause,
    );
    return joined;
  }
}
