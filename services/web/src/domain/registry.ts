// The registry's words and rules as the staff pages need them: org kinds and roles by name (never
// the API's codes on a screen), which kinds may sit under which (the registry's org-tree.ts), which
// roles one may give (@kepu/access's ladder), who is under 14, and ids made from names.
import type { Account as ApiAccount, Member, Organization, Team as ApiTeam } from "../api/types";
import type { Locale } from "./labels";

type Bilingual = Record<string, [zh: string, en: string]>;

export const orgKinds: Bilingual = {
  CITY: ["市", "City"],
  DISTRICT: ["区", "District"],
  STREET: ["街道", "Street"],
  COMMUNITY: ["社区", "Community"],
  ASSOCIATION: ["科协", "Association"],
  PRACTICE_CENTER: ["新时代文明实践中心", "Civilization practice centre"],
  PRACTICE_INSTITUTE: ["新时代文明实践所", "Civilization practice institute"],
  PRACTICE_STATION: ["新时代文明实践站", "Civilization practice station"],
  PRACTICE_POINT: ["新时代文明实践点", "Civilization practice point"],
  PARTY_SERVICE_CENTER: ["党群服务中心", "Party-masses service centre"],
  SCHOOL: ["学校", "School"],
};

export const roles: Bilingual = {
  COMMUNITY_WORKER: ["社区工作者", "Community worker"],
  STREET_STAFF: ["街道科协", "Street association"],
  DISTRICT_STAFF: ["区科协", "District association"],
  CITY_STAFF: ["市科协", "City association"],
  TEAM_LEADER: ["志愿服务队队长", "Team leader"],
  TEAM_MEMBER: ["志愿者", "Volunteer"],
  BASE_STAFF: ["科普基地", "Science base staff"],
  DASHBOARD_VIEWER: ["统计查看", "Dashboard viewer"],
  ADMIN: ["管理员", "Administrator"],
};

export const importKinds: Bilingual = {
  volunteers: ["志愿者", "Volunteers"],
  teams: ["志愿服务队", "Teams"],
  orgs: ["组织机构", "Organizations"],
};

/** The words for a code such as "ORG_KIND_STREET", "STREET" or "DISTRICT_STAFF". */
export function word(table: Bilingual, code: string, locale: Locale): string {
  const entry = table[code.replace(/^ORG_KIND_/, "")];
  return entry ? entry[locale === "zh" ? 0 : 1] : code;
}

/** The kinds a parent may hold (services/registry/src/domain/org-tree.ts, read from the child's side). */
const allowedParents: Record<string, string[]> = {
  DISTRICT: ["CITY"],
  STREET: ["DISTRICT"],
  COMMUNITY: ["STREET"],
  ASSOCIATION: ["CITY", "DISTRICT"],
  PRACTICE_CENTER: ["CITY", "DISTRICT"],
  PRACTICE_INSTITUTE: ["PRACTICE_CENTER"],
  PRACTICE_STATION: ["PRACTICE_INSTITUTE"],
  PRACTICE_POINT: ["PRACTICE_STATION"],
  PARTY_SERVICE_CENTER: ["STREET", "COMMUNITY"],
  SCHOOL: ["DISTRICT", "STREET"],
};

/** The kinds a new org under a parent of this kind may have, as API names (ORG_KIND_…). */
export function childKinds(parentKind: string): string[] {
  const parent = parentKind.replace(/^ORG_KIND_/, "");
  return Object.entries(allowedParents)
    .filter(([, parents]) => parents.includes(parent))
    .map(([kind]) => `ORG_KIND_${kind}`);
}

/** The practice tree and 党群服务中心 serve communities; the rest do not. */
export function servesCommunities(kind: string): boolean {
  return ["PRACTICE_CENTER", "PRACTICE_INSTITUTE", "PRACTICE_STATION", "PRACTICE_POINT", "PARTY_SERVICE_CENTER"].includes(kind.replace(/^ORG_KIND_/, ""));
}

/** How far up the ladder a role reaches (@kepu/access roles.ts); off-ladder roles rank with the worker. */
const rank: Record<string, number> = { TEAM_MEMBER: 1, TEAM_LEADER: 1, BASE_STAFF: 1, DASHBOARD_VIEWER: 1, COMMUNITY_WORKER: 1, STREET_STAFF: 2, DISTRICT_STAFF: 3, CITY_STAFF: 4, ADMIN: 5 };

/** The roles someone of `role` may give an account: none higher than their own (ADMIN only by an admin). */
export function grantableRoles(role: string): string[] {
  const mine = rank[role] ?? 0;
  return Object.keys(roles).filter((r) => (rank[r] ?? 99) <= mine && (r !== "ADMIN" || role === "ADMIN"));
}

/** Team roles act for a team (their account's org is the team's id), the others for an org. */
export const isTeamRole = (role: string) => role === "TEAM_LEADER" || role === "TEAM_MEMBER";

/** Whether someone born on `birthDate` (YYYY-MM-DD) is under 14 on `today`: a guardian must consent. */
export function under14(birthDate: string, today = new Date()): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const fourteenth = Date.UTC(year + 14, month - 1, day);
  return today.getTime() < fourteenth;
}

/** A new record's id under its parent's (ids are the API's; people never type them): parent-prefix-xxxxxx. */
export function newId(prefix: string, random: () => number = Math.random): string {
  const tail = Array.from({ length: 6 }, () => "abcdefghijkmnpqrstuvwxyz23456789"[Math.floor(random() * 32)]).join("");
  return `${prefix}-${tail}`.replace(/[^A-Za-z0-9_.:-]/g, "").slice(0, 120);
}

/** An org, a team, a volunteer and an account as the API answers them: the generated types (api/schema.d.ts). */
export type Org = Organization;
export type Team = ApiTeam;
export type Volunteer = Member;
export type Account = ApiAccount;

/** The org kind each ladder role acts for (the gateway refuses another); others may sit at any org. */
export function kindForRole(role: string): string {
  return ({ COMMUNITY_WORKER: "ORG_KIND_COMMUNITY", STREET_STAFF: "ORG_KIND_STREET", DISTRICT_STAFF: "ORG_KIND_DISTRICT", CITY_STAFF: "ORG_KIND_CITY" } as Record<string, string>)[role] ?? "";
}
