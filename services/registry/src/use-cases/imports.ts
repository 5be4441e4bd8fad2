// Bulk import from a sheet — volunteers, teams, org units: the importer is authorized for
// everything the rows name before anything is answered; then every row is checked by the pure
// checkers (domain/*-import.ts, on the aggregates' own deciders); only a sheet without problems is
// written, with the events the commands emit one record at a time (the deciders decided them). The file's
// content hash is recorded last, per kind: the same file again answers "imported before" and
// writes nothing; a file whose writing was cut short is completed by uploading it again (rows
// already written as they say are skipped).
//
// Volunteers: per team, the personal records in unordered bulks, then one team write per 500
// joins with their VolunteerJoinedTeam events (not a read-modify-write per row). Orgs and teams:
// the new ones in unordered bulks, each document with the events its row decided — those the
// register (and serve) commands emit, numbered from 1 — in its own outbox (store.createMany).
import { authorize, listScope } from "@kepu/access";
import { kepuError, ok } from "@kepu/errors";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { cellOf, listOf, type Column, type Problem, type SheetRow } from "../domain/import-sheet.js";
import { checkOrgRows, orgColumns, type OrgRow } from "../domain/org-import.js";
import * as organization from "../domain/organization.js";
import * as team from "../domain/team.js";
import type { TeamEvent, TeamState } from "../domain/team.js";
import { checkTeamRows, teamColumns, type TeamRow } from "../domain/team-import.js";
import { checkVolunteerRows, volunteerColumns, type VolunteerRow } from "../domain/volunteer-import.js";
import { toMessage, type RegistryEvent } from "../messaging/registry-events.js";
import type { Kind } from "../domain/errors.js";
import type { States } from "../store/documents.js";
import type { Cause, Created, RegistryStore } from "../store/registry-store.js";
import { placedFacts, teamFacts } from "./access.js";
import { decideOnExisting, must, type Clock } from "./decisions.js";
import { Organizations } from "./organizations.js";

export type ImportKind = "volunteers" | "teams" | "orgs";

const columnsOf: Record<ImportKind, Column[]> = { volunteers: volunteerColumns, teams: teamColumns, orgs: orgColumns };

/** A sheet checked: its problems, and the writing of its rows (called only when there are none). */
interface CheckedSheet {
  problems: Problem[];
  write(): Promise<number>;
}

const checked = <T>(result: { valid: T[]; problems: Problem[] }, write: (valid: T[]) => Promise<number>): CheckedSheet => ({ problems: result.problems, write: () => write(result.valid) });

/**
 * Joins per team write: a write carries its events in the team's outbox, which the relay empties
 * with one $pullAll of what it published — cheap for hundreds, slow on FerretDB for ten thousand.
 */
const joinsPerWrite = 500;

/** A new aggregate from its events, as decideAndSave would store it. */
function created<S, E extends RegistryEvent>(id: string, evolve: (state: S | undefined, event: E) => S, events: E[]): Created<S> {
  let state: S | undefined;
  for (const event of events) state = evolve(state, event);
  return { id, state: state!, messages: events.map(toMessage) };
}

export interface ImportReport {
  imported: boolean;
  rows: number;
  written: number;
  repeated: boolean;
  problems: Problem[];
}

export class Imports {
  private readonly orgs: Organizations;

  constructor(
    private readonly store: RegistryStore,
    private readonly clock: Clock,
  ) {
    this.orgs = new Organizations(store);
  }

  columns(kind: ImportKind): Column[] {
    return columnsOf[kind];
  }

  async importRows(kind: ImportKind, fileHash: string, headers: readonly string[], rows: readonly SheetRow[], cause: Cause): Promise<ImportReport> {
    const importId = `${kind}:${fileHash}`;
    const check = await this.authorizedSheet(kind, headers, rows, cause); // authorized before anything is answered
    if (await this.store.importDone(importId)) return { imported: true, rows: rows.length, written: 0, repeated: true, problems: [] };
    const { problems, write } = await check();
    if (problems.length > 0) return { imported: false, rows: rows.length, written: 0, repeated: false, problems };
    const written = await write();
    await this.store.recordImport({ _id: importId, kind, rows: rows.length, written, at: this.clock() });
    return { imported: true, rows: rows.length, written, repeated: false, problems: [] };
  }

  /** The importer authorized for what the rows name (a refusal throws), and the check of the sheet. */
  private async authorizedSheet(kind: ImportKind, headers: readonly string[], rows: readonly SheetRow[], cause: Cause): Promise<() => Promise<CheckedSheet>> {
    const named = (...columns: string[]) => [...new Set(rows.flatMap((r) => columns.flatMap((c) => listOf(cellOf(headers, r, c)))))];
    if (kind === "orgs") {
      const orgs = await this.parentsNamed(headers, rows, named("机构编号", "上级编号", "服务社区"), cause.actor);
      return async () => checked(checkOrgRows(headers, rows, { orgs }), (valid) => this.writeOrgs(valid, cause));
    }
    if (kind === "teams") {
      const orgs = await this.ownersNamed(headers, rows, named("所属机构编号", "服务范围"), cause.actor);
      return async () => checked(checkTeamRows(headers, rows, { orgs, teams: await this.store.states("teams", named("队伍编号")) }), (valid) => this.writeTeams(valid, cause));
    }
    const teams = await this.teamsNamed(headers, rows, cause.actor);
    return async () => checked(await this.checkVolunteers(headers, rows, teams), (valid) => this.writeVolunteers(valid, cause));
  }

  /**
   * The orgs the rows name (ids, parents, communities served). Every parent that exists must be
   * one the importer may place orgs under, and a row without a parent (a city) is an admin's: a
   * file naming one they may not is refused whole, as one register would be.
   */
  private async parentsNamed(headers: readonly string[], rows: readonly SheetRow[], ids: string[], actor: Actor | undefined) {
    listScope("org.change", actor);
    const orgs = await this.store.states("organizations", ids);
    const parents = new Set(rows.map((r) => cellOf(headers, r, "上级编号")));
    for (const parentId of parents) {
      const parent = orgs.get(parentId);
      if (!parentId || parent) must(authorize("org.change", actor, { path: parent?.place.path ?? [] }));
    }
    return orgs;
  }

  /** The orgs the rows name (owners, areas); every owner that exists must be one the importer may register teams for. */
  private async ownersNamed(headers: readonly string[], rows: readonly SheetRow[], ids: string[], actor: Actor | undefined) {
    listScope("team.register", actor);
    const orgs = await this.store.states("organizations", ids);
    for (const ownerId of new Set(rows.map((r) => cellOf(headers, r, "所属机构编号")))) {
      const owner = orgs.get(ownerId);
      if (owner) must(authorize("team.register", actor, placedFacts(owner)));
    }
    return orgs;
  }

  /**
   * Org rows (a parent before its children): the new orgs in bulk, each with the events its row
   * decided (register, then serve); then an existing org whose served communities change, by the
   * org command. The importer was authorized for every existing parent (a parent made by a row
   * sits under one of those).
   */
  private async writeOrgs(valid: OrgRow[], cause: Cause): Promise<number> {
    await this.createAll("organizations", valid.filter((r) => r.register).map((r) => created(r.orgId, organization.evolve, r.events)), cause);
    for (const row of valid) if (!row.register && row.serves) await this.orgs.change(row.orgId, { type: "serve", communityIds: row.serves }, cause);
    return valid.filter((r) => r.events.length > 0).length;
  }

  /** Team rows: the new teams in bulk, each with its TeamRegistered (those already there as the row says skipped); every owner was authorized. */
  private async writeTeams(valid: TeamRow[], cause: Cause): Promise<number> {
    const fresh = valid.filter((r) => r.register);
    await this.createAll("teams", fresh.map((r) => created(r.teamId, team.evolve, r.events)), cause);
    return fresh.length;
  }

  /** New aggregates in bulk; an id another writer took meanwhile fails the import (uploading the file again checks it anew). */
  private async createAll<K extends Kind>(kind: K, aggregates: Created<States[K]>[], cause: Cause): Promise<void> {
    const taken = await this.store.createMany(kind, aggregates, cause);
    if (taken.length > 0) {
      const ids = taken.slice(0, 5).join("、");
      throw kepuError("conflict", "ALREADY_EXISTS", `${ids} 已被同时创建，其余行已写入；请再次上传同一文件核对`, `${taken.slice(0, 5).join(", ")} were created meanwhile; the other rows are written — upload the same file again to check`, "rows");
    }
  }

  private async writeVolunteers(valid: VolunteerRow[], cause: Cause): Promise<number> {
    const byTeam = new Map<string, VolunteerRow[]>();
    for (const row of valid) byTeam.set(row.teamId, [...(byTeam.get(row.teamId) ?? []), row]);
    let written = 0;
    for (const [teamId, joining] of byTeam) written += await this.joinAll(teamId, joining, cause);
    return written;
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

  private async checkVolunteers(headers: readonly string[], rows: readonly SheetRow[], teams: ReadonlyMap<string, TeamState>) {
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
