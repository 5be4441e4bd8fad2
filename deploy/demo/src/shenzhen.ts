import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { BaseLevel, ProviderKind, ResourceKind } from "@kepu/contracts/registry/v1/events_pb";

// A realistic slice of Shenzhen (PRODUCT.md: ~10 districts, 74 streets, 650 communities; Futian has
// 10 streets, 29 bases and a 30-member volunteer team). Ids are readable slugs.

export interface OrgSeed {
  orgId: string;
  name: string;
  kind: OrgKind;
  parentId: string;
}

const futianStreets: [string, string, string[]][] = [
  ["yuanling", "园岭街道", ["红荔社区", "百花社区", "长城社区", "上林社区"]],
  ["nanyuan", "南园街道", ["南园社区", "巴登社区", "埔尾社区"]],
  ["futian", "福田街道", ["福山社区", "岗厦社区", "皇岗社区", "水围社区"]],
  ["shatou", "沙头街道", ["沙头社区", "新洲社区", "上沙社区"]],
  ["meilin", "梅林街道", ["梅林一村社区", "下梅林社区", "梅都社区"]],
  ["huafu", "华富街道", ["莲花北社区", "田面社区", "新田社区"]],
  ["xiangmihu", "香蜜湖街道", ["香蜜湖社区", "农科社区", "侨香社区"]],
  ["lianhua", "莲花街道", ["景田社区", "彩田社区", "莲花一村社区"]],
  ["huaqiangbei", "华强北街道", ["华强北社区", "福强社区", "荔村社区"]],
  ["fubao", "福保街道", ["福保社区", "益田社区", "石厦社区"]],
];
const otherDistricts: [string, string, [string, string, string[]][]][] = [
  ["luohu", "罗湖区", [["dongmen", "东门街道", ["东门社区", "湖贝社区"]], ["huangbei", "黄贝街道", ["黄贝岭社区", "新秀社区"]], ["cuizhu", "翠竹街道", ["翠竹社区", "水贝社区"]]]],
  ["nanshan", "南山区", [["yuehai", "粤海街道", ["科技园社区", "海珠社区"]], ["shekou", "蛇口街道", ["渔一社区", "湾厦社区"]], ["xili", "西丽街道", ["西丽社区", "大学城社区"]]]],
  ["baoan", "宝安区", [["xinan", "新安街道", ["海旺社区", "灵芝园社区"]], ["xixiang", "西乡街道", ["西乡社区", "固戍社区"]], ["shiyan", "石岩街道", ["石岩社区"]]]],
];

const slug = (i: number) => `c${i + 1}`;

/** A school of the org tree (ORG_KIND_SCHOOL), under 园岭街道: where the demo student studies (科普教育学分). */
export const demoSchool = { orgId: "sz-futian-yuanling-school-1", name: "园岭小学", kind: OrgKind.SCHOOL, parentId: "sz-futian-yuanling" };

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
    ...communities.map((c, i) => ({ orgId: `sz-futian-wmsj-${key}-${slug(i)}`, name: `${c.replace("社区", "")}新时代文明实践站`, kind: OrgKind.PRACTICE_STATION, parentId: `sz-futian-wmsj-${key}` })),
    { orgId: `sz-futian-${key}-dq`, name: `${name}党群服务中心`, kind: OrgKind.PARTY_SERVICE_CENTER, parentId: `sz-futian-${key}` },
  ]),
  ...otherDistricts.flatMap(([district, name, streets]) => [
    { orgId: `sz-${district}`, name, kind: OrgKind.DISTRICT, parentId: "sz" },
    { orgId: `sz-${district}-kx`, name: `${name}科学技术协会`, kind: OrgKind.ASSOCIATION, parentId: `sz-${district}` },
    ...streets.flatMap(([key, streetName, communities]) => [
      { orgId: `sz-${district}-${key}`, name: streetName, kind: OrgKind.STREET, parentId: `sz-${district}` },
      ...communities.map((c, i) => ({ orgId: `sz-${district}-${key}-${slug(i)}`, name: c, kind: OrgKind.COMMUNITY, parentId: `sz-${district}-${key}` })),
    ]),
  ]),
  demoSchool,
];

/**
 * Which communities Futian's 文明实践 tree and 党群服务中心 serve: each 站 its own community, each 所
 * and each street's 党群服务中心 every community of its street, the 中心 every community of Futian.
 */
export const served: { orgId: string; communityIds: string[] }[] = [
  { orgId: "sz-futian-wmsj", communityIds: futianStreets.flatMap(([key, , communities]) => communities.map((_, i) => `sz-futian-${key}-${slug(i)}`)) },
  ...futianStreets.flatMap(([key, , communities]) => {
    const ids = communities.map((_, i) => `sz-futian-${key}-${slug(i)}`);
    return [
      { orgId: `sz-futian-wmsj-${key}`, communityIds: ids },
      { orgId: `sz-futian-${key}-dq`, communityIds: ids },
      ...ids.map((id, i) => ({ orgId: `sz-futian-wmsj-${key}-${slug(i)}`, communityIds: [id] })),
    ];
  }),
];

/** The demo accounts' orgs (services/gateway/src/demo-accounts.ts) point here. */
export const demoCommunity = "sz-futian-yuanling-c1"; // 红荔社区

/** Ids other seeders and tests can build on. */
export const demoIds = {
  city: "sz", // 深圳市
  cityAssociation: "sz-kx", // 深圳市科协
  district: "sz-futian", // 福田区
  districtAssociation: "sz-futian-kx", // 福田区科协
  street: "sz-futian-yuanling", // 园岭街道
  community: demoCommunity, // 红荔社区
  otherDistrictCommunity: "sz-nanshan-yuehai-c1", // 南山区 科技园社区
  practiceCenter: "sz-futian-wmsj", // 福田区新时代文明实践中心
  team: "team-futian", // 福田区科技志愿服务队 (30 members)
  base: "base-futian-01", // 深圳市福田区科技馆
  menuItem: "menu-phone-elderly",
} as const;

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

const { NATIONAL, PROVINCIAL, CITY, DISTRICT, DEMONSTRATION_SITE } = BaseLevel;
// Futian's 29 科普基地 / 示范点: name, the street it sits in, level, the themes it covers.
const futianBases: [string, string, BaseLevel, Theme[]][] = [
  ["深圳市福田区科技馆", "lianhua", CITY, [Theme.SCIENTIST_SPIRIT, Theme.ARTIFICIAL_INTELLIGENCE]],
  ["莲花山公园科普基地", "lianhua", CITY, [Theme.GREEN_LOW_CARBON]],
  ["福田红树林自然保护区", "shatou", NATIONAL, [Theme.GREEN_LOW_CARBON, Theme.WATER]],
  ["深圳市气象科普馆", "lianhua", PROVINCIAL, [Theme.DISASTER_PREVENTION]],
  ["福田区图书馆科普阅览室", "futian", DISTRICT, [Theme.SCIENTIST_SPIRIT]],
  ["深圳会展中心科普展区", "futian", CITY, [Theme.ARTIFICIAL_INTELLIGENCE, Theme.DIGITAL_LITERACY]],
  ["香蜜湖植物科普园", "xiangmihu", DISTRICT, [Theme.GREEN_LOW_CARBON, Theme.AGRICULTURE]],
  ["华强北电子科技科普体验馆", "huaqiangbei", CITY, [Theme.DIGITAL_LITERACY, Theme.ARTIFICIAL_INTELLIGENCE]],
  ["福田中医药科普馆", "huafu", DISTRICT, [Theme.HEALTH]],
  ["福田消防科普教育基地", "meilin", CITY, [Theme.DISASTER_PREVENTION]],
  ["福田地震应急科普馆", "meilin", DISTRICT, [Theme.DISASTER_PREVENTION]],
  ["百花小学再生资源科普园", "yuanling", DEMONSTRATION_SITE, [Theme.RECYCLING]],
  ["福田区青少年科技活动中心", "huafu", CITY, [Theme.ARTIFICIAL_INTELLIGENCE, Theme.SCIENTIST_SPIRIT]],
  ["深圳市垃圾分类科普馆", "xiangmihu", CITY, [Theme.RECYCLING, Theme.GREEN_LOW_CARBON]],
  ["福田河生态科普长廊", "nanyuan", DEMONSTRATION_SITE, [Theme.WATER, Theme.GREEN_LOW_CARBON]],
  ["梅林水库水利科普点", "meilin", DEMONSTRATION_SITE, [Theme.WATER]],
  ["福田交通安全科普馆", "fubao", DISTRICT, [Theme.DISASTER_PREVENTION]],
  ["深圳市食品安全科普馆", "futian", CITY, [Theme.FOOD_SAFETY]],
  ["福田区健康教育基地", "shatou", DISTRICT, [Theme.HEALTH, Theme.DEBUNKING]],
  ["元宇宙党群服务中心数字科普展", "futian", DEMONSTRATION_SITE, [Theme.DIGITAL_LITERACY]],
  ["福田非遗数字资源馆", "nanyuan", DISTRICT, [Theme.INTANGIBLE_HERITAGE]],
  ["福保 AI 竞赛科普中心", "fubao", DISTRICT, [Theme.ARTIFICIAL_INTELLIGENCE]],
  ["华富数字阅读空间", "huafu", DEMONSTRATION_SITE, [Theme.DIGITAL_LITERACY]],
  ["园岭社区科技馆", "yuanling", DEMONSTRATION_SITE, [Theme.SCIENTIST_SPIRIT]],
  ["南园非遗工坊", "nanyuan", DEMONSTRATION_SITE, [Theme.INTANGIBLE_HERITAGE]],
  ["福田低碳生活体验馆", "xiangmihu", DISTRICT, [Theme.GREEN_LOW_CARBON]],
  ["皇岗口岸科普展厅", "futian", DEMONSTRATION_SITE, [Theme.NUCLEAR, Theme.SCIENTIST_SPIRIT]],
  ["沙头渔村历史科普馆", "shatou", DEMONSTRATION_SITE, [Theme.INTANGIBLE_HERITAGE, Theme.CIVILIZED_CUSTOMS]],
  ["岗厦科普书屋", "futian", DEMONSTRATION_SITE, [Theme.SCIENTIST_SPIRIT, Theme.DEBUNKING]],
];
export const bases = futianBases.map(([name, street, level, themes], i) => ({ baseId: `base-futian-${String(i + 1).padStart(2, "0")}`, name, orgId: `sz-futian-${street}`, level, themes }));

/**
 * 一社区一科普品牌: three Futian communities' brands (示范点 and partners from the bases above) and this
 * year's plan of each — targets by theme and month, the audiences served.
 */
const baseNamed = (name: string) => bases.find((b) => b.name === name)!.baseId;
export const brands = [
  { communityId: demoCommunity, name: "红荔智慧健康", theme: Theme.HEALTH, slogan: "银龄乐学，健康同行", demo: "福田区健康教育基地", partners: ["华富数字阅读空间"], audiences: [Audience.ELDERLY], targets: [[Theme.HEALTH, [3, 5, 9, 11], 2], [Theme.DIGITAL_LITERACY, [6, 9], 1]] },
  { communityId: "sz-futian-yuanling-c2", name: "园岭绿色再生", theme: Theme.RECYCLING, slogan: "垃圾分类，从我做起", demo: "园岭社区科技馆", partners: ["福田低碳生活体验馆"], audiences: [Audience.YOUTH, Audience.RESIDENTS], targets: [[Theme.RECYCLING, [4, 9], 2], [Theme.GREEN_LOW_CARBON, [6], 1]] },
  { communityId: "sz-futian-nanyuan-c1", name: "南园非遗传承", theme: Theme.INTANGIBLE_HERITAGE, slogan: "指尖上的非遗", demo: "南园非遗工坊", partners: ["福田非遗数字资源馆"], audiences: [Audience.YOUTH], targets: [[Theme.INTANGIBLE_HERITAGE, [9], 2], [Theme.INTANGIBLE_HERITAGE, [12], 1]] },
].map(({ demo, partners, targets, ...brand }) => ({
  ...brand,
  demoBaseId: baseNamed(demo),
  partnerBaseIds: partners.map(baseNamed),
  targets: (targets as [Theme, number[], number][]).flatMap(([theme, months, target]) => months.map((month) => ({ theme, month, target }))),
}));

// The 30 members of 福田区科技志愿服务队. Names and phones are made up (13800138xxx style
// test numbers); they live in the registry only and are answered masked.
const surnames = [..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"];
const givenNames = ["建华", "晓明", "丽娟", "志强", "海燕", "文博", "静怡", "国庆", "思远", "雅琴"];
const skillCycle = [Theme.DIGITAL_LITERACY, Theme.HEALTH, Theme.ARTIFICIAL_INTELLIGENCE, Theme.RECYCLING, Theme.DISASTER_PREVENTION];
export const futianVolunteers = surnames.map((surname, i) => ({
  volunteerId: `vol-futian-${String(i + 1).padStart(2, "0")}`,
  realName: `${surname}${givenNames[i % givenNames.length]}`,
  phone: `1380013${String(8000 + i).padStart(4, "0")}`,
  skills: [skillCycle[i % skillCycle.length]!],
}));

/** Two volunteers in every other team: dispatch offers orders only to teams with people in them. */
export const teamVolunteers = teams
  .filter((t) => t.teamId !== demoIds.team)
  .flatMap((t, i) =>
    [0, 1].map((n) => ({
      teamId: t.teamId,
      volunteerId: `vol-${t.teamId}-${n + 1}`,
      realName: `${surnames[(i * 2 + n + 7) % surnames.length]}${givenNames[(i * 2 + n + 3) % givenNames.length]}`,
      phone: `1390013${String(9000 + i * 2 + n).padStart(4, "0")}`,
      skills: [t.themes[n % t.themes.length]!],
    })),
  );

/** 《科普资源名录》: venues, facilities, equipment, works, products, information, experts. */
export const resources = [
  { resourceId: "venue-futian-kjg-hall", kind: ResourceKind.VENUE, name: "福田区科技馆报告厅", ownerOrgId: "sz-futian", capacity: 200 },
  { resourceId: "venue-yuanling-dangqun", kind: ResourceKind.VENUE, name: "园岭街道党群服务中心多功能厅", ownerOrgId: "sz-futian-yuanling", capacity: 80 },
  { resourceId: "venue-huafu-reading", kind: ResourceKind.VENUE, name: "华富数字阅读空间", ownerOrgId: "sz-futian-huafu", capacity: 40 },
  { resourceId: "facility-futian-planetarium", kind: ResourceKind.FACILITY, name: "福田区青少年科技活动中心球幕影院", ownerOrgId: "sz-futian", capacity: 120 },
  { resourceId: "equipment-sz-caravan-1", kind: ResourceKind.EQUIPMENT, name: "深圳市科协科普大篷车 1 号车", ownerOrgId: "sz-kx", capacity: 0 },
  { resourceId: "equipment-futian-caravan-1", kind: ResourceKind.EQUIPMENT, name: "福田区科普大篷车", ownerOrgId: "sz-futian", capacity: 0 },
  { resourceId: "equipment-futian-vr", kind: ResourceKind.EQUIPMENT, name: "VR 防灾体验套装（10 套）", ownerOrgId: "sz-futian-kx", capacity: 10 },
  { resourceId: "work-futian-mangrove-film", kind: ResourceKind.WORK, name: "科普短片《红树林里的鸟》", ownerOrgId: "sz-futian-kx", capacity: 0 },
  { resourceId: "product-futian-robot-kit", kind: ResourceKind.PRODUCT, name: "青少年 AI 机器人套件", ownerOrgId: "sz-futian-fubao", capacity: 30 },
  { resourceId: "info-sz-rumor-list", kind: ResourceKind.INFORMATION, name: "深圳科学辟谣月度榜单", ownerOrgId: "sz-kx", capacity: 0 },
  { resourceId: "expert-futian-tcm", kind: ResourceKind.EXPERT, name: "福田区中医院 主任医师（中医养生）", ownerOrgId: "sz-futian", capacity: 0 },
  { resourceId: "venue-nanshan-ai-lab", kind: ResourceKind.VENUE, name: "南山区人工智能科普体验室", ownerOrgId: "sz-nanshan", capacity: 50 },
];

/** One item of the 科普服务菜单; the provider is a team unless `base` says a base offers it. */
export interface MenuSeed {
  itemId: string;
  title: string;
  theme: Theme;
  format: Format;
  audiences: Audience[];
  minutes: number;
  capacity: number;
  area: string;
  provider: string;
  base?: true;
  leadDays?: number;
  resourceIds?: string[];
}

export const providerKindOf = (item: MenuSeed) => (item.base ? ProviderKind.BASE : ProviderKind.TEAM);

export const menu: MenuSeed[] = [
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
  { itemId: "menu-reading", title: "亲子科普阅读会", theme: Theme.SCIENTIST_SPIRIT, format: Format.READING, audiences: [Audience.WOMEN_AND_FAMILIES], minutes: 60, capacity: 30, area: "sz-futian-huafu", provider: "team-huafu-digital", resourceIds: ["venue-huafu-reading"] },
  { itemId: "menu-mangrove-visit", title: "红树林湿地研学：认识候鸟", theme: Theme.GREEN_LOW_CARBON, format: Format.STUDY_VISIT, audiences: [Audience.YOUTH, Audience.WOMEN_AND_FAMILIES], minutes: 150, capacity: 40, area: "sz-futian", provider: "base-futian-03", base: true, leadDays: 14 },
  { itemId: "menu-weather-visit", title: "气象科普馆预约参观", theme: Theme.DISASTER_PREVENTION, format: Format.STUDY_VISIT, audiences: [Audience.YOUTH, Audience.RESIDENTS], minutes: 90, capacity: 60, area: "sz", provider: "base-futian-04", base: true, leadDays: 10 },
  { itemId: "menu-fire-drill", title: "消防逃生与灭火器使用实操", theme: Theme.DISASTER_PREVENTION, format: Format.HANDS_ON, audiences: [Audience.RESIDENTS, Audience.ELDERLY], minutes: 90, capacity: 50, area: "sz-futian", provider: "base-futian-10", base: true },
  { itemId: "menu-vr-earthquake", title: "VR 地震逃生体验", theme: Theme.DISASTER_PREVENTION, format: Format.HANDS_ON, audiences: [Audience.YOUTH], minutes: 60, capacity: 20, area: "sz-futian", provider: "base-futian-11", base: true, resourceIds: ["equipment-futian-vr"] },
  { itemId: "menu-robot-contest", title: "青少年 AI 机器人编程竞赛", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.COMPETITION, audiences: [Audience.YOUTH], minutes: 240, capacity: 60, area: "sz-futian", provider: "base-futian-22", base: true, leadDays: 21, resourceIds: ["product-futian-robot-kit"] },
  { itemId: "menu-planetarium", title: "球幕电影：宇宙的尺度", theme: Theme.SCIENTIST_SPIRIT, format: Format.EXHIBITION, audiences: [Audience.YOUTH, Audience.WOMEN_AND_FAMILIES], minutes: 45, capacity: 120, area: "sz-futian", provider: "base-futian-13", base: true, resourceIds: ["facility-futian-planetarium"] },
  { itemId: "menu-tcm-consult", title: "中医体质辨识与健康咨询", theme: Theme.HEALTH, format: Format.CONSULTATION, audiences: [Audience.ELDERLY], minutes: 120, capacity: 50, area: "sz-futian", provider: "team-futian-health", resourceIds: ["expert-futian-tcm"] },
  { itemId: "menu-anti-fraud", title: "防范电信诈骗：老年人手机安全", theme: Theme.DIGITAL_LITERACY, format: Format.EXPERT_TALK, audiences: [Audience.ELDERLY], minutes: 60, capacity: 80, area: "sz-futian", provider: "team-futian" },
  { itemId: "menu-online-rumor", title: "直播：食品安全谣言粉碎机", theme: Theme.FOOD_SAFETY, format: Format.ONLINE, audiences: [Audience.RESIDENTS], minutes: 60, capacity: 1000, area: "sz", provider: "team-futian-health", resourceIds: ["info-sz-rumor-list"] },
  { itemId: "menu-heritage-workshop", title: "非遗扎染中的化学", theme: Theme.INTANGIBLE_HERITAGE, format: Format.HANDS_ON, audiences: [Audience.WOMEN_AND_FAMILIES], minutes: 120, capacity: 20, area: "sz-futian", provider: "base-futian-25", base: true },
  { itemId: "menu-customs", title: "移风易俗：文明节俭办婚丧", theme: Theme.CIVILIZED_CUSTOMS, format: Format.EXPERT_TALK, audiences: [Audience.RESIDENTS], minutes: 60, capacity: 100, area: "sz-futian", provider: "team-futian" },
  { itemId: "menu-caravan-luohu", title: "科普大篷车开进罗湖社区", theme: Theme.DISASTER_PREVENTION, format: Format.SCIENCE_CARAVAN, audiences: [Audience.RESIDENTS, Audience.YOUTH], minutes: 180, capacity: 300, area: "sz-luohu", provider: "team-luohu-safety", resourceIds: ["equipment-sz-caravan-1"] },
  { itemId: "menu-ai-nanshan-lab", title: "大模型体验课：AI 如何思考", theme: Theme.ARTIFICIAL_INTELLIGENCE, format: Format.HANDS_ON, audiences: [Audience.YOUTH, Audience.RESIDENTS], minutes: 90, capacity: 50, area: "sz-nanshan", provider: "team-nanshan-ai", resourceIds: ["venue-nanshan-ai-lab"] },
  { itemId: "menu-workers-green", title: "产业工人节能降耗与绿色生产", theme: Theme.GREEN_LOW_CARBON, format: Format.EXPERT_TALK, audiences: [Audience.INDUSTRIAL_WORKERS], minutes: 60, capacity: 120, area: "sz-baoan", provider: "team-baoan-water" },
  { itemId: "menu-water-saving", title: "节水小卫士：家庭节水实验", theme: Theme.WATER, format: Format.HANDS_ON, audiences: [Audience.YOUTH, Audience.WOMEN_AND_FAMILIES], minutes: 90, capacity: 30, area: "sz-baoan", provider: "team-baoan-water" },
  { itemId: "menu-urban-farm", title: "阳台种菜：城市农业科技", theme: Theme.AGRICULTURE, format: Format.HANDS_ON, audiences: [Audience.ELDERLY, Audience.RESIDENTS], minutes: 90, capacity: 30, area: "sz-futian", provider: "base-futian-07", base: true },
  { itemId: "menu-nuclear", title: "走近核电：大亚湾的安全密码", theme: Theme.NUCLEAR, format: Format.EXPERT_TALK, audiences: [Audience.RESIDENTS, Audience.YOUTH], minutes: 90, capacity: 150, area: "sz", provider: "base-futian-27", base: true },
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

// ---------------------------------------------------------------- issues 16 and 19 (the features a newcomer looks for)

/** 报备 levels of the 科普月 sessions above (CampaignLevel: 1 主场, 2 分会场, 3 部门特色, 4 联合行动), by title, with the 人次 who came. */
export const kepuMonthReport: Record<string, { level: 1 | 2 | 3 | 4; walkIns: number; summary: string }> = {
  "科普月开幕式：科学嘉年华": { level: 1, walkIns: 186, summary: "科普月开幕式在福山社区广场举行，设机器人、航天、气象等 12 个互动展位，区科协、街道和 6 支志愿队参与。" },
  "红荔社区 AI 光影数字阅读": { level: 2, walkIns: 38, summary: "红荔社区组织居民体验 AI 光影数字阅读，志愿者讲解大模型与数字阅读，老人和孩子一同参与。" },
  "园岭再生资源科普园开放日": { level: 2, walkIns: 54, summary: "园岭再生资源科普园开放日：垃圾分类互动游戏与再生资源手工，居民现场投放可回收物。" },
  "华富数字科普展": { level: 3, walkIns: 71, summary: "华富街道数字科普展展出数字生活、反诈与智慧医疗展板，数字科普队现场答疑。" },
  "南园非遗数据库体验": { level: 4, walkIns: 26, summary: "南园社区联合福田非遗数字资源馆开展非遗数据库体验，青少年动手检索与制作非遗卡片。" },
};

/** 科普教育学分: a student resident of 红荔社区, and a parent there who registered her child. */
export const credits = {
  student: { residentId: "demo-resident-student-1", name: "林小雨", grade: "初一" },
  parent: { residentId: "demo-resident-parent-1", child: { name: "陈果果", grade: "三年级" } },
  activity: { title: "红荔社区青少年科学实验课（计学分）", theme: Theme.SCIENTIST_SPIRIT, format: Format.HANDS_ON, audience: Audience.YOUTH, capacity: 30, place: "红荔社区党群服务中心" },
};

/** Three open orders on one theme and audience from three 园岭街道 communities: the merge suggestion the street sees (合并需求). */
export const mergeOrders = [
  { orderId: "demo-merge-order-1", menuItemId: "menu-anti-fraud", community: demoCommunity }, // 红荔社区
  { orderId: "demo-merge-order-2", menuItemId: "menu-anti-fraud", community: "sz-futian-yuanling-c2" }, // 百花社区
  { orderId: "demo-merge-order-3", menuItemId: "menu-anti-fraud", community: "sz-futian-yuanling-c4" }, // 上林社区
];

/** 福田区科普大篷车's rotation next month across four Futian communities (three days each, a travel day between); the district plans it. */
export const caravanRotation = {
  resourceId: "equipment-futian-caravan-1",
  communities: [demoCommunity, "sz-futian-huafu-c1", "sz-futian-nanyuan-c1", "sz-futian-fubao-c1"],
  stayDays: 3,
  travelDays: 1,
};

/** Two sessions next month that hold 福田区科技馆报告厅 (its calendar). */
export const venueBookings = {
  resourceId: "venue-futian-kjg-hall",
  title: "福田科技馆报告厅：院士科普讲座",
  theme: Theme.SCIENTIST_SPIRIT,
  community: "sz-futian-lianhua-c1", // 景田社区, where the 科技馆 stands
  sessions: [
    { day: 12, hour: 14, minutes: 120, capacity: 200 },
    { day: 19, hour: 14, minutes: 120, capacity: 200 },
  ],
};
