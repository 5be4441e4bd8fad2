// The campaigns activities are tagged to (ids as the events service knows them), newest first.
// Their year is the Beijing one (@kepu/calendar): on 1 January 00:30 Beijing it is already the
// new year's campaigns, whatever the clock of the browser says.
import { calendar, type Calendar } from "@kepu/calendar";

export const campaignKinds = [
  { kind: "kepu-month", zh: "全国科普日暨深圳科普月", en: "National Science Day & Shenzhen Science Month" },
  { kind: "tech-week", zh: "全国科技活动周", en: "National Science and Technology Week" },
  { kind: "scientist-day", zh: "全国科技工作者日", en: "National Science Workers' Day" },
] as const;

export interface CampaignChoice {
  id: string;
  zh: string;
  en: string;
}

/** The campaign year of an instant: its year in Beijing (the deployment's zone). */
export function campaignYear(now: Date, cal: Calendar = calendar): number {
  return cal.yearOf(now);
}

/** Every campaign of this year and the `yearsBack` before it, e.g. kepu-month-2026. */
export function campaignChoices(thisYear: number, yearsBack = 1): CampaignChoice[] {
  const years = Array.from({ length: yearsBack + 1 }, (_, i) => thisYear - i);
  return years.flatMap((year) => campaignKinds.map((c) => ({ id: `${c.kind}-${year}`, zh: `${year} ${c.zh}`, en: `${year} ${c.en}` })));
}
