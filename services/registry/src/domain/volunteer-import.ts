// Bulk import of volunteers from a sheet: the columns, and every row checked before anything is
// written (pure). A row's problems name its row and column, in Chinese first, English second.
import type { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { checkSheet, nameIn, ownIdIn, themeNote, themesIn, type Column, type Problem, type SheetRow } from "./import-sheet.js";
import { consentForJoining, type GuardianConsent } from "./teams.js";
import type { TeamState } from "./team.js";

export const volunteerColumns: Column[] = [
  { header: "队伍编号", required: true, note: "已登记、未停用的队伍编号", example: "team-futian" },
  { header: "志愿者编号", required: true, note: "字母、数字、-_.:，全表不重复", example: "vol-0001" },
  { header: "姓名", required: true, note: "真实姓名，1 到 50 字", example: "张三" },
  { header: "手机号", required: true, note: "11 位手机号", example: "13800000001" },
  { header: "技能", required: false, note: themeNote, example: "卫生健康、食品安全" },
  { header: "出生日期", required: false, note: "YYYY-MM-DD；未满 14 周岁须填写监护人同意", example: "1990-05-01" },
  { header: "监护人姓名", required: false, note: "未满 14 周岁必填", example: "" },
  { header: "监护人电话", required: false, note: "未满 14 周岁必填，11 位手机号", example: "" },
  { header: "监护人关系", required: false, note: "如 父亲、母亲", example: "" },
  { header: "监护人同意日期", required: false, note: "YYYY-MM-DD，未满 14 周岁必填", example: "" },
];

/** One valid row, ready to join its team. */
export interface VolunteerRow {
  row: number;
  teamId: string;
  volunteerId: string;
  realName: string;
  phone: string;
  skills: Theme[];
  minor: boolean;
  consent?: GuardianConsent;
}

/** What the use case loaded for the rows (after authorizing the importer for every team named): the teams, the records of the ids named. */
export interface VolunteerImportContext {
  teams: ReadonlyMap<string, TeamState>;
  /** Existing personal records by volunteer id: the team each is in now ("" when they left). */
  currentTeamOf: ReadonlyMap<string, string>;
  now: Date;
}

const mobilePattern = /^1[3-9]\d{9}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateOf(text: string): Date | undefined {
  const m = datePattern.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return undefined; // 2月30日
  return new Date(`${text}T00:00:00+08:00`); // a day in Beijing
}

/**
 * Every row checked against the rules of joining and against the other rows: the valid rows, and
 * the problems of the others (none written unless there are no problems at all).
 */
export function checkVolunteerRows(headers: readonly string[], rows: readonly SheetRow[], context: VolunteerImportContext): { valid: VolunteerRow[]; problems: Problem[] } {
  const seen = new Map<string, number>();
  return checkSheet(volunteerColumns, headers, rows, (line): VolunteerRow | undefined => {
    const { row, cell, problem } = line;
    const teamId = cell("队伍编号");
    const team = context.teams.get(teamId);
    if (!teamId) problem("队伍编号", "请填写队伍编号", "Give the team's id");
    else if (!team) problem("队伍编号", `队伍 ${teamId} 不存在`, `Team ${teamId} does not exist`);
    else if (!team.active) problem("队伍编号", `队伍 ${teamId} 已停用`, `Team ${teamId} is deactivated`);

    const volunteerId = cell("志愿者编号");
    if (ownIdIn(line, "志愿者编号", "volunteer's id", seen)) {
      const current = context.currentTeamOf.get(volunteerId);
      if (current && current !== teamId) problem("志愿者编号", `该志愿者已在队伍 ${current} 中`, `The volunteer is already in team ${current}`);
    }

    const realName = nameIn(line, "姓名", 50);
    const phone = cell("手机号");
    if (!mobilePattern.test(phone)) problem("手机号", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number");
    const skills = themesIn(line, "技能");

    const birthText = cell("出生日期");
    const birthDate = birthText ? dateOf(birthText) : undefined;
    if (birthText && !birthDate) problem("出生日期", "出生日期请写成 YYYY-MM-DD", "Write the birth date as YYYY-MM-DD");
    const consentText = cell("监护人同意日期");
    const consentedAt = consentText ? dateOf(consentText) : undefined;
    if (consentText && !consentedAt) problem("监护人同意日期", "监护人同意日期请写成 YYYY-MM-DD", "Write the consent's date as YYYY-MM-DD");
    const guardianName = cell("监护人姓名");
    const guardianPhone = cell("监护人电话");
    const given = guardianName || guardianPhone || consentedAt;
    if (given && guardianPhone && !mobilePattern.test(guardianPhone)) problem("监护人电话", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number");
    const consent = given && guardianName && guardianPhone && consentedAt ? { guardianName, guardianPhone, relationship: cell("监护人关系"), consentedAt } : undefined;
    const joining = consentForJoining(birthDate, consent, context.now);
    if (!joining.ok) return line.refused(joining.error, { birthDate: "出生日期" }, "监护人姓名");
    return { row, teamId, volunteerId, realName, phone, skills, ...joining.value };
  });
}
