import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { associations, figureReaders, orgStaff, people, staff, teamPeople, treeKeepers } from "./roles.js";

/**
 * How a grant reaches a record (PRODUCT.md, "Who owns what"):
 * - `any`: every record of the kind;
 * - `subtree`: records placed at or below the actor's org;
 * - `ownOrg`: records of the actor's own org exactly (a resident's community, a base's org);
 * - `own`: the actor's own record (the requester of an order, the resident of a booking);
 * - `ownTeam`: records of the actor's team (a team leader's or member's org is the team);
 * - `offered`: orders offered to the actor's team right now (invited and not yet declined);
 * - `claimed`: orders the actor's association claimed (领单);
 * - `servedArea`: records whose service area holds the actor's org (a team serving my community);
 * - `teamArea`: records inside the acting team's service area (抢单 from the pool).
 */
export type Scope = "any" | "subtree" | "ownOrg" | "own" | "ownTeam" | "offered" | "claimed" | "servedArea" | "teamArea";

export interface Grant {
  roles: readonly Role[];
  scope: Scope;
}

const grant = (roles: readonly Role[], scope: Scope): Grant => ({ roles, scope });

/**
 * The ownership matrix as data: for each action, who is granted it and how far. Admins and the
 * platform's own services (timers, consumers) may do everything and are not listed. An action
 * nobody is granted is the admin's alone (the audit log).
 */
export const matrix = {
  // Org tree: names are public to everyone signed in.
  "org.read": [grant(people, "any")],
  "org.change": [grant(treeKeepers, "subtree")],

  // Staff accounts, with roles no higher than the creator's own (mayGrantRole).
  "account.read": [grant(associations, "subtree")],
  "account.change": [grant(associations, "subtree")],

  // Teams and members (real names; phones masked but for the leader and admins).
  "team.read": [grant(orgStaff, "subtree"), grant(orgStaff, "servedArea"), grant(teamPeople, "ownTeam")],
  "team.register": [grant(associations, "subtree")],
  "team.change": [grant(associations, "subtree"), grant([Role.TEAM_LEADER], "ownTeam")],
  "team.readPhones": [grant([Role.TEAM_LEADER], "ownTeam")],

  // 《科普资源名录》: published ones for all staff (and team leaders, who name them on menu items),
  // drafts for the submitting org.
  "resource.readPublished": [grant(staff, "any"), grant([Role.TEAM_LEADER], "any")],
  "resource.readDraft": [grant(staff, "ownOrg")],
  "resource.submit": [grant(staff, "ownOrg"), grant(orgStaff, "subtree")],
  "resource.review": [grant(associations, "subtree")],

  // The service menu.
  "menu.read": [grant([Role.RESIDENT], "ownOrg"), grant(staff, "any")],
  "menu.publish": [grant([Role.TEAM_LEADER], "ownTeam"), grant([Role.BASE_STAFF], "subtree")],
  "menu.withdraw": [grant([Role.TEAM_LEADER], "ownTeam"), grant([Role.BASE_STAFF], "subtree"), grant([Role.DISTRICT_STAFF], "subtree")],

  // 科普基地: status for all staff; scores and evidence for the base and its associations.
  "base.read": [grant(staff, "any")],
  "base.readScores": [grant([Role.BASE_STAFF], "ownOrg"), grant(associations, "subtree")],
  "base.apply": [grant([Role.BASE_STAFF], "ownOrg")],
  "base.review": [grant(associations, "subtree")],

  // 一社区一科普品牌: the brand page is public; the plan against done for the subtree's staff. The
  // community's worker writes the brand and its annual plans; the street and district above it
  // comment and approve (PRODUCT.md, "Who owns what").
  "brand.read": [grant(people, "any")],
  "brand.write": [grant([Role.COMMUNITY_WORKER], "subtree")],
  "plan.read": [grant(orgStaff, "subtree")],
  "plan.change": [grant([Role.COMMUNITY_WORKER], "subtree")],
  "plan.approve": [grant(associations, "subtree")],

  // Orders (the order's life): the requester, the community's staff and those above, the teams
  // offered it and the one that accepted it; pooled orders are also seen by teams serving the area.
  "order.read": [grant([Role.RESIDENT], "own"), grant(orgStaff, "subtree"), grant(teamPeople, "offered"), grant(teamPeople, "ownTeam"), grant(teamPeople, "teamArea")],
  "order.submit": [grant([Role.RESIDENT], "ownOrg"), grant([Role.COMMUNITY_WORKER], "subtree")], // 点单, 代点单
  "order.handleAtCommunity": [grant([Role.COMMUNITY_WORKER], "subtree")], // 派单, 转科协, 驳回
  "order.claim": [grant(associations, "subtree")], // 领单
  "order.dispatchClaimed": [grant(associations, "claimed")], // dispatch what it claimed
  "order.accept": [grant([Role.TEAM_LEADER], "offered")], // 接单
  "order.grab": [grant([Role.TEAM_LEADER], "teamArea")], // 抢单 from the pool
  "order.decline": [grant([Role.TEAM_LEADER], "offered")],
  "order.cancel": [grant([Role.RESIDENT], "own"), grant([Role.COMMUNITY_WORKER], "subtree"), grant(associations, "claimed")],
  "order.rate": [grant([Role.RESIDENT], "own")],
  // 代点单: the community's workers (社区工作者, 网格员, 科普中国信息员) find a resident of their community by name (phones masked).
  "resident.find": [grant([Role.COMMUNITY_WORKER], "subtree")],

  // Activities and sessions: published ones for residents to book; the organizer's subtree; the
  // accepting team for order-made ones.
  "activity.read": [grant([Role.RESIDENT], "any"), grant(staff, "subtree"), grant(teamPeople, "ownTeam")],
  "activity.organize": [grant(staff, "subtree"), grant([Role.TEAM_LEADER], "ownTeam")], // publish, check in, summary, photos, complete
  "attendance.read": [grant(staff, "subtree"), grant([Role.TEAM_LEADER], "ownTeam")],
  "booking.make": [grant([Role.RESIDENT], "any")],
  "booking.own": [grant([Role.RESIDENT], "own")],
  "hours.record": [grant([Role.TEAM_LEADER], "ownTeam"), grant(staff, "subtree")],
  "summary.read": [grant(staff, "subtree"), grant(teamPeople, "ownTeam")],
  "summary.readPublished": [grant(people, "any")],
  "summary.overdue": [grant(orgStaff, "subtree")],

  // Campaigns, figures, notifications, webhooks, the audit log.
  "campaign.read": [grant(people, "any")],
  "campaign.change": [grant(treeKeepers, "subtree")],
  "figures.read": [grant(figureReaders, "subtree")],
  "notification.read": [grant(people, "own")],
  "webhook.manage": [grant(associations, "subtree")],
  "audit.read": [],

  // 科普教育学分: a resident registers herself (or a child) as a student and reads her credits; a
  // school's export for the school's own staff (an account at the school's org) and the associations above it.
  "student.register": [grant([Role.RESIDENT], "any")],
  "credit.readOwn": [grant([Role.RESIDENT], "own")],
  "credit.export": [grant(staff, "ownOrg"), grant(associations, "subtree")],
  // Credit rules: read by all staff and teams (they organize activities for credit); set by the city
  // association for the city and a district association for its district (over the owner's place);
  // a campaign's rule also needs campaign.change over the campaign's owner.
  "creditRule.read": [grant(staff, "any"), grant(teamPeople, "any")],
  "creditRule.change": [grant(treeKeepers, "subtree")],
} as const satisfies Record<string, readonly Grant[]>;

export type Action = keyof typeof matrix;
