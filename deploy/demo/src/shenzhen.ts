import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel } from "@kepu/contracts/registry/v1/events_pb";

// A realistic slice of Shenzhen (PRODUCT.md: ~10 districts, 74 streets, 650 communities; Futian has
// 10 streets, 29 bases and a 30-member volunteer team). Ids are readable slugs.

export interface OrgSeed {
  orgId: string;
  name: string;
  kind: OrgKind;
  parentId: string;
}

const futianStreets: [string, string, string[]][] = [
  ["yuanling", "园岭街道", ["红荔社区", "百花社区", "长城社区"]],
  ["nanyuan", "南园街道", ["南园社区", "巴登社区"]],
  ["futian", "福田街道", ["福山社区", "岗厦社区", "皇岗社区"]],
  ["shatou", "沙头街道", ["沙头社区", "新洲社区"]],
  ["meilin", "梅林街道", ["梅林一村社区", "下梅林社区"]],
  ["huafu", "华富街道", ["莲花北社区", "田面社区"]],
  ["xiangmihu", "香蜜湖街道", ["香蜜湖社区", "农科社区"]],
  ["lianhua", "莲花街道", ["景田社区", "彩田社区"]],
  ["huaqiangbei", "华强北街道", ["华强北社区", "福强社区"]],
  ["fubao", "福保街道", ["福保社区", "益田社区"]],
];
const otherDistricts: [string, string, [string, string, string[]][]][] = [
  ["luohu", "罗湖区", [["dongmen", "东门街道", ["东门社区", "湖贝社区"]], ["huangbei", "黄贝街道", ["黄贝岭社区"]]]],
  ["nanshan", "南山区", [["yuehai", "粤海街道", ["科技园社区", "海珠社区"]], ["shekou", "蛇口街道", ["渔一社区"]]]],
  ["baoan", "宝安区", [["xinan", "新安街道", ["海旺社区", "灵芝园社区"]], ["xixiang", "西乡街道", ["西乡社区"]]]],
];

const slug = (i: number) => `c${i + 1}`;

export const orgs: OrgSeed[] = [
  { orgId: "sz", name: "深圳市", kind: OrgKind.CITY, parentId: "" },
  { orgId: "sz-kx", name: "深圳市科学技术协会", kind: OrgKind.ASSOCIATION, parentId: "sz" },
  { orgId: "sz-futian", name: "福田区", kind: OrgKind.DISTRICT, parentId: "sz" },
  { orgId: "sz-futian-kx", name: "福田区科学技术协会", kind: OrgKind.ASSOCIATION, parentId: "sz-futian" },
  { orgId: "sz-futian-wmsj", name: "福田区新时代文明实践中心", kind: OrgKind.PRACTICE_CENTER, parentId: "sz-futian" },
  ...futianStreets.flatMap(([key, name, communities]) => [
    { orgId: `sz-futian-${key}`, name, kind: OrgKind.STREET, parentId: "sz-futian" },
    { orgId: `sz-futian-wmsj-${key}`, name: `${name.replace("街道", "")}新时代文明实践所`, kind: OrgKind.PRACTICE_INSTITUTE, parentId: "sz-futian-wmsj" },
    ...communities.map((c, i) => ({ orgId: `sz-futian-${key}-${slug(i)}`, name: c, kind: OrgKind.COMMUNITY, parentId: `sz-futian-${key}` })),
  ]),
  ...otherDistricts.flatMap(([district, name, streets]) => [
    { orgId: `sz-${district}`, name, kind: OrgKind.DISTRICT, parentId: "sz" },
    { orgId: `sz-${district}-kx`, name: `${name}科学技术协会`, kind: OrgKind.ASSOCIATION, parentId: `sz-${district}` },
    ...streets.flatMap(([key, streetName, communities]) => [
      { orgId: `sz-${district}-${key}`, name: streetName, kind: OrgKind.STREET, parentId: `sz-${district}` },
      ...communities.map((c, i) => ({ orgId: `sz-${district}-${key}-${slug(i)}`, name: c, kind: OrgKind.COMMUNITY, parentId: `sz-${district}-${key}` })),
    ]),
  ]),
];

/** The demo accounts' orgs (services/gateway/src/demo-accounts.ts) point here. */
export const demoCommunity = "sz-futian-yuanling-c1"; // 红荔社区

export const teams = [
  { teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.DIGITAL_LITERACY, Theme.HEALTH, Theme.ARTIFICIAL_INTELLIGENCE, Theme.RECYCLING], area: ["sz-futian"] },
  { teamId: "team-futian-health", name: "福田区健康科普志愿队", orgId: "sz-futian", themes: [Theme.HEALTH, Theme.FOOD_SAFETY], area: ["sz-futian"] },
  { teamId: "team-yuanling-green", name: "园岭街道再生资源科普队", orgId: "sz-futian-yuanling", themes: [Theme.RECYCLING, Theme.GREEN_LOW_CARBON], area: ["sz-futian-yuanling"] },
  { teamId: "team-huafu-digital", name: "华富街道数字科普队", orgId: "sz-futian-huafu", themes: [Theme.DIGITAL_LITERACY], area: ["sz-futian-huafu", "sz-futian-lianhua"] },
  { teamId: "team-nanyuan-heritage", name: "南园街道非遗科普队", orgId: "sz-futian-nanyuan", themes: [Theme.INTANGIBLE_HERITAGE], area: ["sz-futian"] },
  { teamId: "team-fubao-ai", name: "福保街道 AI 科普队", orgId: "sz-futian-fubao", themes: [Theme.ARTIFICIAL_INTELLIGENCE], area: ["sz-futian-fubao", "sz-futian-futian"] },
  { teamId: "team-nanshan-ai", name: "南山区人工智能科普志愿队", orgId: "sz-nanshan", themes: [Theme.ARTIFICIAL_INTELLIGENCE, Theme.DIGITAL_LITERACY], area: ["sz-nanshan"] },
  { teamId: "team-luohu-safety", name: "罗湖区应急科普队", orgId: "sz-luohu", themes: [Theme.DISASTER_PREVENTION, Theme.FOOD_SAFETY], area: ["sz-luohu"] },
  { teamId: "team-baoan-water", name: "宝安区水利科普队", orgId: "sz-baoan", themes: [Theme.WATER, Theme.GREEN_LOW_CARBON], area: ["sz-baoan"] },
];

const baseNames = [
  "深圳市福田区科技馆", "莲花山公园科普基地", "福田红树林自然保护区", "深圳市气象科普馆", "福田区图书馆科普阅览室", "深圳会展中心科普展区", "香蜜湖植物科普园",
  "华强北电子科技科普体验馆", "福田中医药科普馆", "福田消防科普教育基地", "福田地震应急科普馆", "百花小学再生资源科普园", "福田区青少年科技活动中心", "深圳市垃圾分类科普馆",
  "福田河生态科普长廊", "梅林水库水利科普点", "福田交通安全科普馆", "深圳市食品安全科普馆", "福田区健康教育基地", "元宇宙党群服务中心数字科普展",
  "福田非遗数字资源馆", "福保 AI 竞赛科普中心", "华富数字阅读空间", "园岭社区科技馆", "南园非遗工坊", "福田低碳生活体验馆", "皇岗口岸科普展厅", "沙头渔村历史科普馆", "岗厦科普书屋",
];
export const bases = baseNames.map((name, i) => ({
  baseId: `base-futian-${String(i + 1).padStart(2, "0")}`,
  name,
  orgId: futianStreets[i % futianStreets.length]![0] ? `sz-futian-${futianStreets[i % futianStreets.length]![0]}` : "sz-futian",
  level: [BaseLevel.NATIONAL, BaseLevel.CITY, BaseLevel.DISTRICT, BaseLevel.DEMONSTRATION_SITE][i % 4]!,
}));

export const menu: { itemId: string; title: string; theme: Theme; format: Format; audiences: Audience[]; minutes: number; capacity: number; area: string; provider: string }[] = [
  { itemId: "menu-phone-elderly", title: "银龄跨越数字鸿沟：智能手机课", theme: Theme.DIGITAL_LITERACY, format: Format.HANDS_ON, audiences: [Audience.ELDERLY], minutes: 90, capacity: 40, area: "sz-futian", provider: "team-futian" },
  { itemId: "menu-ai-youth", title: "人工智能启蒙：和机器人做朋友", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.HANDS_ON, audiences: [Audience.YOUTH], minutes: 120, capacity: 30, area: "sz-futian", provider: "team-fubao-ai" },
  { itemId: "menu-recycling", title: "垃圾分类与再生资源", theme: Theme.RECYCLING, format: Format.EXPERT_TALK, audiences: [Audience.RESIDENTS], minutes: 60, capacity: 80, area: "sz-futian-yuanling", provider: "team-yuanling-green" },
  { itemId: "menu-health-tcm", title: "中医药健康养生讲座", theme: Theme.HEALTH, format: Format.EXPERT_TALK, audiences: [Audience.ELDERLY, Audience.RESIDENTS], minutes: 60, capacity: 100, area: "sz-futian", provider: "team-futian-health" },
  { itemId: "menu-food-safety", title: "食品安全进社区", theme: Theme.FOOD_SAFETY, format: Format.CONSULTATION, audiences: [Audience.RESIDENTS], minutes: 90, capacity: 60, area: "sz-futian", provider: "team-futian-health" },
  { itemId: "menu-mom-science", title: "我和妈妈学科学：厨房里的化学", theme: Theme.HEALTH, format: Format.HANDS_ON, audiences: [Audience.WOMEN_AND_FAMILIES], minutes: 90, capacity: 24, area: "sz-futian", provider: "team-futian" },
  { itemId: "menu-heritage", title: "非遗里的科学：剪纸与几何", theme: Theme.INTANGIBLE_HERITAGE, format: Format.HANDS_ON, audiences: [Audience.YOUTH, Audience.WOMEN_AND_FAMILIES], minutes: 90, capacity: 30, area: "sz-futian", provider: "team-nanyuan-heritage" },
  { itemId: "menu-caravan", title: "科普大篷车进社区", theme: Theme.SCIENTIST_SPIRIT, format: Format.SCIENCE_CARAVAN, audiences: [Audience.RESIDENTS, Audience.YOUTH], minutes: 180, capacity: 300, area: "sz", provider: "team-futian" },
  { itemId: "menu-debunk", title: "科学辟谣：朋友圈里的健康谣言", theme: Theme.DEBUNKING, format: Format.ONLINE, audiences: [Audience.ELDERLY], minutes: 45, capacity: 500, area: "sz", provider: "team-futian-health" },
  { itemId: "menu-disaster", title: "台风与暴雨：家庭应急演练", theme: Theme.DISASTER_PREVENTION, format: Format.HANDS_ON, audiences: [Audience.RESIDENTS], minutes: 90, capacity: 50, area: "sz-luohu", provider: "team-luohu-safety" },
  { itemId: "menu-water", title: "一滴水的旅行：水利科普研学", theme: Theme.WATER, format: Format.STUDY_VISIT, audiences: [Audience.YOUTH], minutes: 150, capacity: 40, area: "sz-baoan", provider: "team-baoan-water" },
  { itemId: "menu-ai-workers", title: "AI 工具提升工作效率", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.EXPERT_TALK, audiences: [Audience.INDUSTRIAL_WORKERS], minutes: 90, capacity: 80, area: "sz-nanshan", provider: "team-nanshan-ai" },
  { itemId: "menu-low-carbon", title: "绿色低碳生活小妙招", theme: Theme.GREEN_LOW_CARBON, format: Format.EXHIBITION, audiences: [Audience.RESIDENTS], minutes: 120, capacity: 200, area: "sz-futian", provider: "team-yuanling-green" },
  { itemId: "menu-reading", title: "亲子科普阅读会", theme: Theme.SCIENTIST_SPIRIT, format: Format.READING, audiences: [Audience.WOMEN_AND_FAMILIES], minutes: 60, capacity: 30, area: "sz-futian-huafu", provider: "team-huafu-digital" },
];

/** Orders residents placed, and how far each has come (点单 → 派单 → 接单). */
export const orders = [
  { orderId: "demo-order-1", menuItemId: "menu-phone-elderly", community: demoCommunity, stage: "accepted", team: "team-futian" },
  { orderId: "demo-order-2", menuItemId: "menu-recycling", community: demoCommunity, stage: "dispatched", team: "team-yuanling-green" },
  { orderId: "demo-order-3", menuItemId: "menu-ai-youth", community: "sz-futian-fubao-c1", stage: "submitted", team: "" },
  { orderId: "demo-order-4", menuItemId: "menu-health-tcm", community: "sz-futian-huafu-c1", stage: "pooled", team: "" },
  { orderId: "demo-order-5", menuItemId: "menu-food-safety", community: "sz-futian-meilin-c1", stage: "accepted", team: "team-futian-health" },
];

/** September 科普月 sessions published by communities (全国科普日暨深圳科普月, 1–30 September). */
export const kepuMonth = [
  { title: "科普月开幕式：科学嘉年华", community: "sz-futian-futian-c1", theme: Theme.SCIENTIST_SPIRIT, day: 1, capacity: 200 },
  { title: "红荔社区 AI 光影数字阅读", community: demoCommunity, theme: Theme.DIGITAL_LITERACY, day: 6, capacity: 40 },
  { title: "园岭再生资源科普园开放日", community: "sz-futian-yuanling-c2", theme: Theme.RECYCLING, day: 13, capacity: 60 },
  { title: "华富数字科普展", community: "sz-futian-huafu-c2", theme: Theme.DIGITAL_LITERACY, day: 20, capacity: 80 },
  { title: "南园非遗数据库体验", community: "sz-futian-nanyuan-c1", theme: Theme.INTANGIBLE_HERITAGE, day: 27, capacity: 30 },
];
