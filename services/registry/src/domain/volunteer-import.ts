// Bulk import of volunteers from a sheet: the columns, and every row checked before anything is
// written (pure). A row's problems name its row and column, in Chinese first, English second.
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { consentForJoining, type GuardianConsent } from "./teams.js";
import type { TeamState } from "./team.js";

export interface Column {
  header: string;
  required: boolean;
  note: string;
  example: string;
}

export interface SheetRow {
  /** The row's number in the sheet (the header is row 1). */
  row: number;
  cells: string[];
}

export interface Problem {
  row: number;
  column: string;
  zh: string;
  en: string;
}

const themeNames = Object.keys(Theme).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED");

export const volunteerColumns: Column[] = [
  { header: "队伍编号", required: true, note: "已登记、未停用的队伍编号", example: "team-futian" },
  { header: "志愿者编号", required: true, note: "字母、数字、-_.:，全表不重复", example: "vol-0001" },
  { header: "姓名", required: true, note: "真实姓名，1 到 50 字", example: "张三" },
  { header: "手机号", required: true, note: "11 位手机号", example: "13800000001" },
  { header: "技能", required: false, note: `科普主题，多个用逗号或顿号分隔：${themeNames.join("、")}`, example: "HEALTH、FOOD_SAFETY" },
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

const idPattern = /^[A-Za-z0-9_.:-]{1,120}$/;
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

/** The headers the sheet must have; a missing one is a problem of the header row. */
export function headerProblems(columns: Column[], headers: readonly string[]): Problem[] {
  return columns
    .filter((c) => c.required && !headers.includes(c.header))
    .map((c) => ({ row: 1, column: c.header, zh: `缺少“${c.header}”列，请使用下载的模板`, en: `The column "${c.header}" is missing; use the downloaded template` }));
}

/**
 * Every row checked against the rules of joining and against the other rows: the valid rows, and
 * the problems of the others (none written unless there are no problems at all).
 */
export function checkVolunteerRows(headers: readonly string[], rows: readonly SheetRow[], context: VolunteerImportContext): { valid: VolunteerRow[]; problems: Problem[] } {
  const problems: Problem[] = headerProblems(volunteerColumns, headers);
  if (problems.length > 0) return { valid: [], problems };
  if (rows.length === 0) return { valid: [], problems: [{ row: 2, column: "", zh: "表格中没有数据行", en: "The sheet has no rows" }] };
  const index = new Map(headers.map((h, i) => [h, i]));
  const seen = new Map<string, number>();
  const valid: VolunteerRow[] = [];
  for (const { row, cells } of rows) {
    const cell = (header: string) => (cells[index.get(header) ?? -1] ?? "").trim();
    const before = problems.length;
    const problem = (column: string, zh: string, en: string) => problems.push({ row, column, zh, en });

    const teamId = cell("队伍编号");
    const team = context.teams.get(teamId);
    if (!teamId) problem("队伍编号", "请填写队伍编号", "Give the team's id");
    else if (!team) problem("队伍编号", `队伍 ${teamId} 不存在`, `Team ${teamId} does not exist`);
    else if (!team.active) problem("队伍编号", `队伍 ${teamId} 已停用`, `Team ${teamId} is deactivated`);

    const volunteerId = cell("志愿者编号");
    if (!idPattern.test(volunteerId)) problem("志愿者编号", "志愿者编号只能包含字母、数字和 -_.:，1 到 120 个字符", "The volunteer's id takes letters, digits and -_.: (1 to 120)");
    else if (seen.has(volunteerId)) problem("志愿者编号", `与第 ${seen.get(volunteerId)} 行的志愿者编号重复`, `The same volunteer id as row ${seen.get(volunteerId)}`);
    else {
      seen.set(volunteerId, row);
      const current = context.currentTeamOf.get(volunteerId);
      if (current && current !== teamId) problem("志愿者编号", `该志愿者已在队伍 ${current} 中`, `The volunteer is already in team ${current}`);
    }

    const realName = cell("姓名");
    if (!realName || [...realName].length > 50) problem("姓名", "请填写 1 到 50 字的姓名", "Give a name of 1 to 50 characters");
    else if (/1[3-9]\d{9}/.test(realName)) problem("姓名", "姓名中不能包含手机号", "A name cannot hold a phone number");

    const phone = cell("手机号");
    if (!mobilePattern.test(phone)) problem("手机号", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number");

    const skills: Theme[] = [];
    for (const name of cell("技能").split(/[,，、\s]+/).filter(Boolean)) {
      const key = name.toUpperCase().replace(/^THEME_/, "");
      if (themeNames.includes(key)) skills.push(Theme[key as keyof typeof Theme]);
      else problem("技能", `未知的科普主题“${name}”`, `Unknown theme "${name}"`);
    }

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
    if (!joining.ok) problem(joining.error.field?.startsWith("guardianConsent") ? "监护人姓名" : "出生日期", joining.error.zh, joining.error.en);

    if (problems.length === before && joining.ok) valid.push({ row, teamId, volunteerId, realName, phone, skills: [...new Set(skills)], ...joining.value });
  }
  return { valid, problems };
}
