import type { OrgPlace, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { teamEligible, type KnownTeam } from "./references.js";

/** What dispatch knows of a team, from the registry's events and its own orders. */
export interface TeamProfile extends KnownTeam {
  name: string;
  themes: Theme[];
  /** Orders accepted and not yet delivered. */
  openOrders: number;
  accepted: number;
  declined: number;
  /** Mean of requesters' ratings, 0 when none yet. */
  rating: number;
}

export interface ScorePart {
  factor: "theme" | "area" | "load" | "rating" | "declines";
  points: number;
  reasonZh: string;
  reasonEn: string;
}

export interface Suggestion {
  team: TeamProfile;
  score: number;
  parts: ScorePart[];
}

// Weights: fitting the theme and serving the area matter most; load, rating and a habit of
// declining break ties between teams that fit.
const weights = { theme: 40, area: 30, load: 15, rating: 10, declines: 10 };
const busyAt = 5;

function part(factor: ScorePart["factor"], points: number, reasonZh: string, reasonEn: string): ScorePart {
  return { factor, points: Math.round(points * 10) / 10, reasonZh, reasonEn };
}

export function scoreTeam(team: TeamProfile, theme: Theme, community: OrgPlace | undefined): Suggestion {
  const themeFits = team.themes.includes(theme);
  const servesArea = !!community && team.serviceAreaOrgIds.some((org) => community.path.includes(org) || community.orgId === org);
  const load = Math.min(team.openOrders, busyAt) / busyAt;
  const rating = team.rating > 0 ? team.rating : 4;
  const declineRate = team.accepted + team.declined > 0 ? team.declined / (team.accepted + team.declined) : 0;
  const parts = [
    themeFits ? part("theme", weights.theme, "擅长该主题", "covers the theme") : part("theme", 0, "不擅长该主题", "does not cover the theme"),
    servesArea ? part("area", weights.area, "服务范围覆盖该社区", "serves this community") : part("area", 0, "服务范围不含该社区", "does not serve this community"),
    part("load", weights.load * (1 - load), `当前在办 ${team.openOrders} 单`, `${team.openOrders} orders in hand`),
    part("rating", (weights.rating * rating) / 5, team.rating > 0 ? `平均评分 ${team.rating.toFixed(1)}` : "暂无评分（按 4 分计）", team.rating > 0 ? `rated ${team.rating.toFixed(1)} on average` : "not rated yet (counted as 4)"),
    part("declines", -weights.declines * declineRate, `拒单率 ${Math.round(declineRate * 100)}%`, `declines ${Math.round(declineRate * 100)}% of orders`),
  ];
  return { team, score: Math.round(parts.reduce((sum, p) => sum + p.points, 0) * 10) / 10, parts };
}

/** Teams ranked for an order, best first; ties by name so the order is stable. */
export function rankTeams(teams: TeamProfile[], theme: Theme, community: OrgPlace | undefined, limit: number): Suggestion[] {
  return teams
    .map((team) => scoreTeam(team, theme, community))
    .sort((a, b) => b.score - a.score || a.team.name.localeCompare(b.team.name, "zh"))
    .slice(0, limit);
}

/** The order as the suggestions see it. */
export interface OrderToPlace {
  theme: Theme;
  community: OrgPlace | undefined;
  declinedTeamIds: readonly string[];
}

/**
 * 派单's suggestions: only teams that can take the order — registered, with members, serving
 * its community (references.ts `teamEligible`) and not one that declined it — ranked best first.
 * The theme ranks, it does not exclude: a team off the theme may still be the only one nearby.
 */
export function suggestTeams(teams: TeamProfile[], order: OrderToPlace, limit: number): Suggestion[] {
  const eligible = teams.filter((t) => teamEligible(t, order.community) && !order.declinedTeamIds.includes(t.teamId));
  return rankTeams(eligible, order.theme, order.community, limit);
}
