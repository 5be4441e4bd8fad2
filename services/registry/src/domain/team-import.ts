// Bulk import of volunteer teams from a sheet (pure): the columns, and every row decided by the
// team aggregate's own decider (domain/team.ts: the owning org exists, every service area exists,
// at least one theme and one area, the id new) before anything is written.
import { checkSheet, idPattern, idRule, idsIn, nameIn, ownIdIn, themeNote, themesIn, type Column, type Problem, type SheetRow } from "./import-sheet.js";
import type { OrgState } from "./organization.js";
import * as team from "./team.js";
import type { TeamCommand, TeamEvent, TeamState } from "./team.js";

export const teamColumns: Column[] = [
  { header: "队伍编号", required: true, note: `${idRule}，全表不重复`, example: "team-lianhua" },
  { header: "队伍名称", required: true, note: "1 到 100 字", example: "莲花街道科技志愿服务队" },
  { header: "所属机构编号", required: true, note: "已有组织的机构编号", example: "sz-futian-lianhua" },
  { header: "服务范围", required: true, note: "服务的组织编号（含其下级），多个用顿号分隔", example: "sz-futian-lianhua" },
  { header: "主题", required: true, note: themeNote, example: "卫生健康、食品安全" },
  { header: "队长志愿者编号", required: false, note: `选填，${idRule}`, example: "" },
];

export type TeamRegistration = Extract<TeamCommand, { type: "register" }>;

/** A valid row: the team it registers and the events the team decider decided for it, or none when the team exists exactly as the row says (a file imported again). */
export interface TeamRow {
  row: number;
  teamId: string;
  register?: TeamRegistration;
  events: TeamEvent[];
}

/** What the use case loaded (after authorizing the importer for every owning org named): the orgs and the existing teams the rows name. */
export interface TeamImportContext {
  orgs: ReadonlyMap<string, OrgState>;
  teams: ReadonlyMap<string, TeamState>;
}

/** Which column a refusal of the team decider belongs to, by the field it names. */
const columnOf: Record<string, string> = { id: "队伍编号", orgId: "所属机构编号", serviceAreaOrgIds: "服务范围", themes: "主题" };

const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x) => b.includes(x));

/** The existing team is the one the row registers (name, org, areas, themes, leader). */
const isSame = (existing: TeamState, command: TeamRegistration) =>
  existing.name === command.name && existing.orgId === command.orgId && existing.leaderId === command.leaderId && sameSet(existing.themes, command.themes) && sameSet(existing.serviceAreaOrgIds, command.serviceAreaOrgIds);

export function checkTeamRows(headers: readonly string[], rows: readonly SheetRow[], context: TeamImportContext): { valid: TeamRow[]; problems: Problem[] } {
  const rowOf = new Map<string, number>();
  return checkSheet(teamColumns, headers, rows, (line): TeamRow | undefined => {
    const { row, cell, problem } = line;
    const teamId = cell("队伍编号");
    ownIdIn(line, "队伍编号", "team's id", rowOf);
    const name = nameIn(line, "队伍名称", 100);
    const orgId = cell("所属机构编号");
    if (!idPattern.test(orgId)) problem("所属机构编号", orgId ? `所属机构编号只能包含${idRule}` : "请填写所属机构编号", "Give the owning org's id (letters, digits and -_.:)");
    const serviceAreaOrgIds = idsIn(line, "服务范围", "组织编号");
    const themes = themesIn(line, "主题");
    const leaderId = cell("队长志愿者编号");
    if (leaderId && !idPattern.test(leaderId)) problem("队长志愿者编号", `队长志愿者编号只能包含${idRule}`, "The leader's id takes letters, digits and -_.: (1 to 120)");
    if (!line.clean()) return undefined;

    const command: TeamRegistration = { type: "register", teamId, orgId, name, themes, serviceAreaOrgIds, leaderId };
    const existing = context.teams.get(teamId);
    if (existing && isSame(existing, command)) return { row, teamId, events: [] };
    const decision = team.decide(existing, command, { owner: context.orgs.get(orgId), areas: context.orgs });
    if (!decision.ok) return line.refused(decision.error, columnOf, "队伍编号");
    return { row, teamId, register: command, events: decision.value };
  });
}
