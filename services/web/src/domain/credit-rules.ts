// 科普教育学分 credit rules (GET/PUT /api/v1/credit-rules): the pure part of the staff page — what a
// rule applies to in words (names, never codes), the same checks the events service makes
// (services/events/src/domain/credits.ts: validateCreditRules), and the whole set a change sends.
import { formats, themes, type Locale } from "./labels";

/** A rule as the page holds it: enum names, "" for any. */
export interface RuleDraft {
  campaignId: string;
  theme: string;
  format: string;
  hoursPerCredit: number;
  capPerActivity: number;
}

/** The events service's bounds: hours per credit in (0, 24], a cap in (0, 10], at most 50 rules in a set. */
export const creditRuleLimits = { maxHoursPerCredit: 24, maxCap: 10, maxRules: 50 } as const;

/** Who sets credit rules: the city and district associations (and admins), as the events service checks it. */
export const keepsCreditRules = (role: string) => ["DISTRICT_STAFF", "CITY_STAFF", "ADMIN"].includes(role);

const unset = (name: string | undefined) => !name || name.endsWith("_UNSPECIFIED");

/** A rule as the API lists it (THEME_UNSPECIFIED for any) → as the page holds it. */
export const draftOf = (r: { campaignId?: string; theme?: string; format?: string; hoursPerCredit: number; capPerActivity: number }): RuleDraft => ({
  campaignId: r.campaignId ?? "",
  theme: unset(r.theme) ? "" : r.theme!,
  format: unset(r.format) ? "" : r.format!,
  hoursPerCredit: r.hoursPerCredit,
  capPerActivity: r.capPerActivity,
});

/** A rule as PUT takes it: what is "any" left out. */
export const bodyOf = (r: RuleDraft) => ({
  ...(r.campaignId ? { campaignId: r.campaignId } : {}),
  ...(r.theme ? { theme: r.theme } : {}),
  ...(r.format ? { format: r.format } : {}),
  hoursPerCredit: r.hoursPerCredit,
  capPerActivity: r.capPerActivity,
});

const word = (table: Record<string, [string, string]>, name: string, prefix: string, lang: Locale) => table[name.replace(prefix, "")]?.[lang === "zh" ? 0 : 1] ?? name;

/** What the rule is for, in words: "科普月 · 卫生健康 · 专家讲座", or every activity. */
export function scopeWords(r: RuleDraft, campaignName: (id: string) => string, lang: Locale): string {
  const parts = [r.campaignId ? campaignName(r.campaignId) : "", r.theme ? word(themes, r.theme, "THEME_", lang) : "", r.format ? word(formats, r.format, "FORMAT_", lang) : ""].filter(Boolean);
  return parts.length ? parts.join(" · ") : lang === "zh" ? "所有活动" : "Every activity";
}

/** "每 2 小时 1 学分，每次活动至多 2 学分" */
export const ruleWords = (r: Pick<RuleDraft, "hoursPerCredit" | "capPerActivity">, lang: Locale) =>
  lang === "zh" ? `每 ${r.hoursPerCredit} 小时 1 学分，每次活动至多 ${r.capPerActivity} 学分` : `1 credit per ${r.hoursPerCredit} h, at most ${r.capPerActivity} per activity`;

const sameScope = (a: RuleDraft, b: RuleDraft) => a.campaignId === b.campaignId && a.theme === b.theme && a.format === b.format;

/**
 * What is wrong with a rule about to join a set (the others: the set without the one being edited),
 * in the reader's language; "" when nothing is. The same checks as the events service's.
 */
export function ruleProblem(r: RuleDraft, others: readonly RuleDraft[], lang: Locale): string {
  const { maxHoursPerCredit, maxCap, maxRules } = creditRuleLimits;
  const zh = lang === "zh";
  if (!(Number.isFinite(r.hoursPerCredit) && r.hoursPerCredit > 0 && r.hoursPerCredit <= maxHoursPerCredit)) return zh ? `每学分所需小时数须大于 0 且不超过 ${maxHoursPerCredit}` : `Hours per credit must be above 0 and at most ${maxHoursPerCredit}`;
  if (!(Number.isFinite(r.capPerActivity) && r.capPerActivity > 0 && r.capPerActivity <= maxCap)) return zh ? `每次活动学分上限须大于 0 且不超过 ${maxCap}` : `The cap per activity must be above 0 and at most ${maxCap}`;
  if (others.some((o) => sameScope(o, r))) return zh ? "已有适用范围相同（同一活动节点、主题和形式）的规则，请修改那一条" : "A rule for the same campaign, theme and format is there already; edit that one";
  if (others.length + 1 > maxRules) return zh ? `学分规则至多 ${maxRules} 条` : `At most ${maxRules} credit rules`;
  return "";
}

/** The set after adding a rule (index -1) or replacing the one at `index`. */
export const withRule = (rules: readonly RuleDraft[], index: number, r: RuleDraft): RuleDraft[] => (index < 0 ? [...rules, r] : rules.map((x, i) => (i === index ? r : x)));
/** The set without the rule at `index`. */
export const withoutRule = (rules: readonly RuleDraft[], index: number): RuleDraft[] => rules.filter((_, i) => i !== index);
