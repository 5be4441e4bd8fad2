import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";

// Chinese labels for exports and dashboards (PRODUCT.md, "Words the domain uses").
const themes: Record<number, string> = {
  [Theme.RURAL_REVITALIZATION]: "乡村振兴",
  [Theme.GREEN_LOW_CARBON]: "绿色低碳",
  [Theme.DIGITAL_LITERACY]: "智慧生活/数字素养",
  [Theme.DISASTER_PREVENTION]: "防灾减灾/应急",
  [Theme.HEALTH]: "卫生健康/健康养生",
  [Theme.CIVILIZED_CUSTOMS]: "移风易俗",
  [Theme.FOOD_SAFETY]: "食品安全",
  [Theme.ARTIFICIAL_INTELLIGENCE]: "人工智能",
  [Theme.RECYCLING]: "再生资源/环保",
  [Theme.INTANGIBLE_HERITAGE]: "非遗",
  [Theme.DEBUNKING]: "科学辟谣/反伪科学",
  [Theme.SCIENTIST_SPIRIT]: "科学家精神",
  [Theme.AGRICULTURE]: "农业科技",
  [Theme.NUCLEAR]: "核科普",
  [Theme.WATER]: "水利科普",
};
const audiences: Record<number, string> = {
  [Audience.YOUTH]: "青少年",
  [Audience.ELDERLY]: "老年人",
  [Audience.WOMEN_AND_FAMILIES]: "妇女与亲子",
  [Audience.INDUSTRIAL_WORKERS]: "产业工人",
  [Audience.FARMERS]: "农民",
  [Audience.RESIDENTS]: "社区居民",
};
const formats: Record<number, string> = {
  [Format.EXPERT_TALK]: "专家讲座",
  [Format.HANDS_ON]: "互动体验",
  [Format.EXHIBITION]: "展览/流动科技馆",
  [Format.SCIENCE_CARAVAN]: "科普大篷车",
  [Format.STUDY_VISIT]: "参观研学",
  [Format.CONSULTATION]: "科技咨询",
  [Format.ONLINE]: "线上直播/短视频",
  [Format.READING]: "科普阅读",
  [Format.COMPETITION]: "竞赛",
};

export const themeName = (theme: number) => themes[theme] ?? "未分类";

export function label(dimension: string, value: number): string {
  if (dimension === "theme") return themeName(value);
  if (dimension === "audience") return audiences[value] ?? "未分类";
  if (dimension === "format") return formats[value] ?? "未分类";
  return String(value);
}
