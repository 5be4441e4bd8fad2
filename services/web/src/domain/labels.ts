// What the API's enum names mean to a person, in Chinese and English (PRODUCT.md's glossary).

export type Locale = "zh" | "en";
type Bilingual = Record<string, [zh: string, en: string]>;

export const orderStatuses: Bilingual = {
  SUBMITTED: ["已点单", "Submitted"],
  DISPATCHED: ["已派单", "Dispatched"],
  POOLED: ["已转科协", "In the association's pool"],
  CLAIMED: ["科协已领单", "Claimed by the association"],
  ACCEPTED: ["已接单", "Accepted"],
  SCHEDULED: ["已排期", "Scheduled"],
  DELIVERED: ["已完成", "Delivered"],
  RATED: ["已评价", "Rated"],
  CANCELLED: ["已取消", "Cancelled"],
  REJECTED: ["已驳回", "Rejected"],
};

export const themes: Bilingual = {
  RURAL_REVITALIZATION: ["乡村振兴", "Rural revitalization"],
  GREEN_LOW_CARBON: ["绿色低碳", "Green, low-carbon"],
  DIGITAL_LITERACY: ["智慧生活", "Digital literacy"],
  DISASTER_PREVENTION: ["防灾减灾", "Disaster prevention"],
  HEALTH: ["卫生健康", "Health"],
  CIVILIZED_CUSTOMS: ["移风易俗", "Civilized customs"],
  FOOD_SAFETY: ["食品安全", "Food safety"],
  ARTIFICIAL_INTELLIGENCE: ["人工智能", "Artificial intelligence"],
  RECYCLING: ["再生资源", "Recycling"],
  INTANGIBLE_HERITAGE: ["非遗", "Intangible heritage"],
  DEBUNKING: ["科学辟谣", "Debunking"],
  SCIENTIST_SPIRIT: ["科学家精神", "Scientist spirit"],
  AGRICULTURE: ["农业科技", "Agriculture"],
  NUCLEAR: ["核科普", "Nuclear science"],
  WATER: ["水利科普", "Water"],
};

export const audiences: Bilingual = {
  YOUTH: ["青少年", "Young people"],
  ELDERLY: ["老年人", "Older people"],
  WOMEN_AND_FAMILIES: ["妇女与亲子", "Women and families"],
  INDUSTRIAL_WORKERS: ["产业工人", "Industrial workers"],
  FARMERS: ["农民", "Farmers"],
  RESIDENTS: ["社区居民", "Residents"],
};

export const formats: Bilingual = {
  EXPERT_TALK: ["专家讲座", "Expert talk"],
  HANDS_ON: ["互动体验", "Hands-on"],
  EXHIBITION: ["展览", "Exhibition"],
  SCIENCE_CARAVAN: ["科普大篷车", "Science caravan"],
  STUDY_VISIT: ["参观研学", "Study visit"],
  CONSULTATION: ["科技咨询", "Consultation"],
  ONLINE: ["线上直播", "Online"],
  READING: ["科普阅读", "Reading"],
  COMPETITION: ["竞赛", "Competition"],
};

export const timelineSteps: Bilingual = {
  OrderSubmitted: ["居民点单", "Ordered"],
  OrderDispatched: ["社区派单", "Dispatched"],
  OrderPooled: ["转科协", "Handed to the association"],
  OrderClaimed: ["科协领单", "Claimed"],
  OrderAccepted: ["志愿者接单", "Accepted"],
  OrderDeclined: ["队伍婉拒", "Declined"],
  OrderEscalated: ["超时升级", "Escalated on time-out"],
  OrderScheduled: ["活动已排期", "Scheduled"],
  OrderDelivered: ["活动已开展", "Delivered"],
  OrderRated: ["已评价", "Rated"],
  OrderCancelled: ["已取消", "Cancelled"],
  OrderRejected: ["已驳回", "Rejected"],
  OrderCommunityMoved: ["社区调整到新的街道/区", "Community moved to another street or district"],
  OrdersMerged: ["与相邻社区订单合并", "Merged with neighbouring communities' orders"],
  OrderSchedulingConflicted: ["活动未能排期（资源已被占用）", "Not scheduled: a resource was held"],
};

/** The label of an API enum value such as "ORDER_STATUS_DISPATCHED" or a bare "HEALTH". */
export function label(table: Bilingual, value: string, locale: Locale): string {
  const key = value.replace(/^(ORDER_STATUS_|THEME_|AUDIENCE_|FORMAT_)/, "");
  const entry = table[key];
  return entry ? entry[locale === "zh" ? 0 : 1] : key;
}

/** Where each role starts after signing in. */
export function homeOf(role: string): string {
  switch (role) {
    case "RESIDENT":
      return "/resident/menu";
    case "COMMUNITY_WORKER":
      return "/staff/orders";
    case "STREET_STAFF":
    case "DISTRICT_STAFF":
    case "CITY_STAFF":
    case "ADMIN":
      return "/staff/pool";
    case "TEAM_LEADER":
    case "TEAM_MEMBER":
      return "/team/inbox";
    case "BASE_STAFF":
      return "/staff/activities";
    default:
      return "/dashboard";
  }
}
