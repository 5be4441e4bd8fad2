// Campaigns are data (GET /api/v1/campaigns): the helpers here name and order them for the pages.
// A campaign year is the Beijing one (@kepu/calendar): on 1 January 00:30 Beijing it is already the
// new year, whatever the clock of the browser says.
import { calendar, type Calendar } from "@kepu/calendar";

/** The campaign year of an instant: its year in Beijing (the deployment's zone). */
export function campaignYear(now: Date, cal: Calendar = calendar): number {
  return cal.yearOf(now);
}

/** The levels of the 2024 科普月 notice, as the API names them (CampaignLevel). */
export const campaignLevels = {
  CAMPAIGN_LEVEL_MAIN: ["主场活动", "Main venue"],
  CAMPAIGN_LEVEL_BRANCH: ["分会场活动", "Branch venue"],
  CAMPAIGN_LEVEL_DEPARTMENT: ["部门特色活动", "Department activity"],
  CAMPAIGN_LEVEL_JOINT: ["联合行动", "Joint action"],
} as const satisfies Record<string, [string, string]>;
export type CampaignLevelName = keyof typeof campaignLevels;

/** A level's words; the unregistered group of a roll-up is "未报备". */
export const levelLabel = (level: string, lang: "zh" | "en") => (campaignLevels as Record<string, [string, string]>)[level]?.[lang === "zh" ? 0 : 1] ?? (lang === "zh" ? "未报备" : "Not registered");

/** Who creates and edits campaigns: the city or a district association (and admins), as the events service checks it. */
export const keepsCampaigns = (role: string) => ["DISTRICT_STAFF", "CITY_STAFF", "ADMIN"].includes(role);

/** "2027-09-01 – 2027-09-30", or one day when it is one. */
export const dayRange = (first: string, last: string) => (first === last ? first : `${first} – ${last}`);

/** Whether 报备 to the campaign is open on a Beijing day ("YYYY-MM-DD" strings order as days). */
export const registrationOpenOn = (c: { registrationOpens: string; registrationCloses: string }, day: string) => c.registrationOpens <= day && day <= c.registrationCloses;

type Listed = { campaignId: string; name: string; firstDay: string };
const newestFirst = (list: Listed[]) => [...list].sort((a, b) => b.firstDay.localeCompare(a.firstDay) || a.name.localeCompare(b.name));

/** The campaigns as GET /api/v1/campaigns lists them, as a filter's options: by their names (data), newest first. */
export const campaignOptions = (list: Listed[]) => newestFirst(list).map((c) => ({ value: c.campaignId, label: c.name }));

/** The campaign a page shows first: the newest one begun by the Beijing day, else the earliest to come; "" when none. */
export const currentCampaign = (list: Listed[], day: string) => {
  const sorted = newestFirst(list);
  return (sorted.find((c) => c.firstDay <= day) ?? sorted.at(-1))?.campaignId ?? "";
};

/** The roll-up's groups are keyed by the proto's numbers (Theme, Format in catalog.proto): each number's name, by key — never by list order. */
export const themeOfCode: Record<string, string> = {
  "1": "RURAL_REVITALIZATION", "2": "GREEN_LOW_CARBON", "3": "DIGITAL_LITERACY", "4": "DISASTER_PREVENTION", "5": "HEALTH", "6": "CIVILIZED_CUSTOMS", "7": "FOOD_SAFETY", "8": "ARTIFICIAL_INTELLIGENCE",
  "9": "RECYCLING", "10": "INTANGIBLE_HERITAGE", "11": "DEBUNKING", "12": "SCIENTIST_SPIRIT", "13": "AGRICULTURE", "14": "NUCLEAR", "15": "WATER",
};
export const formatOfCode: Record<string, string> = { "1": "EXPERT_TALK", "2": "HANDS_ON", "3": "EXHIBITION", "4": "SCIENCE_CARAVAN", "5": "STUDY_VISIT", "6": "CONSULTATION", "7": "ONLINE", "8": "READING", "9": "COMPETITION" };
