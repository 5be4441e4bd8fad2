import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { authorize, can, listScope, mayGrantRole, matrix, type Action, type Facts } from "../src/index.js";

// The tree the cases use: 深圳 → 福田 → 园岭街道 → 红荔社区, and 南山 → 南头街道 → 南头社区 (foreign).
const own = ["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-c1"];
const foreign = ["sz", "sz-nanshan", "sz-nanshan-nantou", "sz-nanshan-nantou-c1"];
const c1 = own[3]!;

const actor = (role: Role, orgId: string, id = `${Role[role]}-${orgId}`) => create(ActorSchema, { id, role, orgId, displayName: "x" });
const resident = actor(Role.RESIDENT, c1, "resident-a");
const otherResident = actor(Role.RESIDENT, c1, "resident-b");
const worker = actor(Role.COMMUNITY_WORKER, c1);
const street = actor(Role.STREET_STAFF, "sz-futian-yuanling");
const district = actor(Role.DISTRICT_STAFF, "sz-futian");
const city = actor(Role.CITY_STAFF, "sz");
const leader = actor(Role.TEAM_LEADER, "team-futian");
const member = actor(Role.TEAM_MEMBER, "team-futian");
const base = actor(Role.BASE_STAFF, "sz-futian");
const viewer = actor(Role.DASHBOARD_VIEWER, "sz-futian");
const admin = actor(Role.ADMIN, "");

type Case = [who: string, a: ReturnType<typeof actor>, action: Action, facts: Facts, allowed: boolean];

// Each row is one sentence of PRODUCT.md's "Who owns what", read for one actor and one record.
const cases: Case[] = [
  // org tree
  ["anyone reads org names", resident, "org.read", { path: foreign }, true],
  ["the district changes its tree", district, "org.change", { path: own }, true],
  ["the district cannot change another district", district, "org.change", { path: foreign }, false],
  ["the city changes the city", city, "org.change", { path: foreign }, true],
  ["a worker cannot change the tree", worker, "org.change", { path: own }, false],
  // staff accounts
  ["an association manages accounts in its subtree", street, "account.change", { path: own }, true],
  ["an association cannot manage accounts elsewhere", district, "account.change", { path: foreign }, false],
  ["a worker cannot manage accounts", worker, "account.change", { path: own }, false],
  ["a viewer cannot read accounts", viewer, "account.read", { path: own }, false],
  // teams
  ["a worker reads a team serving her community", worker, "team.read", { path: ["sz", "sz-futian"], areaOrgIds: ["sz-futian"], actorPath: own }, true],
  ["a worker cannot read another district's team", worker, "team.read", { path: ["sz", "sz-nanshan"], areaOrgIds: ["sz-nanshan"], actorPath: own }, false],
  ["the city reads every team below it", city, "team.read", { path: ["sz", "sz-nanshan"], areaOrgIds: ["sz-nanshan"], actorPath: ["sz"] }, true],
  ["a member reads her own team", member, "team.read", { teamId: "team-futian" }, true],
  ["a member cannot read another team", member, "team.read", { teamId: "team-nanshan" }, false],
  ["a resident cannot read teams", resident, "team.read", { path: own, areaOrgIds: own, actorPath: own }, false],
  ["the leader edits his team", leader, "team.change", { teamId: "team-futian", path: ["sz", "sz-futian"] }, true],
  ["a member cannot edit the team", member, "team.change", { teamId: "team-futian", path: ["sz", "sz-futian"] }, false],
  ["the district registers teams in its district", district, "team.register", { path: ["sz", "sz-futian"] }, true],
  ["a worker cannot register teams", worker, "team.register", { path: own }, false],
  ["the leader sees members' phones", leader, "team.readPhones", { teamId: "team-futian" }, true],
  ["the district sees members masked", district, "team.readPhones", { teamId: "team-futian", path: ["sz", "sz-futian"] }, false],
  // resources
  ["all staff read the published 名录", worker, "resource.readPublished", { path: foreign }, true],
  ["residents do not read the 名录", resident, "resource.readPublished", { path: own }, false],
  ["a team's leader reads the published 名录 (to name resources on menu items)", leader, "resource.readPublished", { path: foreign }, true],
  ["a team's member does not read the 名录", member, "resource.readPublished", { path: own }, false],
  ["a street does not review a resource of its district", actor(Role.STREET_STAFF, "sz-futian-yuanling"), "resource.review", { path: ["sz", "sz-futian"] }, false],
  ["a team's leader does not review", leader, "resource.review", { path: ["sz", "sz-futian"] }, false],
  ["an org reads its own drafts", base, "resource.readDraft", { orgId: "sz-futian" }, true],
  ["nobody else reads an org's drafts", worker, "resource.readDraft", { orgId: "sz-futian" }, false],
  ["the association of its level reviews", district, "resource.review", { path: ["sz", "sz-futian"] }, true],
  ["another district does not review", actor(Role.DISTRICT_STAFF, "sz-nanshan"), "resource.review", { path: ["sz", "sz-futian"] }, false],
  // menu
  ["a resident reads her community's menu", resident, "menu.read", { orgId: c1 }, true],
  ["a resident cannot read another community's menu", resident, "menu.read", { orgId: foreign[3] }, false],
  ["all staff read the menu", base, "menu.read", { orgId: foreign[3] }, true],
  ["the providing team's leader publishes", leader, "menu.publish", { teamId: "team-futian" }, true],
  ["another team's leader does not publish for it", leader, "menu.publish", { teamId: "team-nanshan" }, false],
  ["the district withdraws any item in its district", district, "menu.withdraw", { path: own }, true],
  ["a worker cannot withdraw items", worker, "menu.withdraw", { path: own }, false],
  // bases
  ["all staff read bases' status", worker, "base.read", { path: foreign }, true],
  ["a viewer does not read bases", viewer, "base.read", { path: own }, false],
  ["the association reads scores below it", district, "base.readScores", { path: own, orgId: c1 }, true],
  ["a worker does not read scores", worker, "base.readScores", { path: own, orgId: "x" }, false],
  ["the base reads its own scores", base, "base.readScores", { orgId: "sz-futian", path: ["sz", "sz-futian"] }, true],
  ["base staff apply for their own base", base, "base.apply", { orgId: "sz-futian" }, true],
  ["base staff do not certify", base, "base.review", { path: ["sz", "sz-futian"] }, false],
  // orders
  ["the requester reads her order", resident, "order.read", { ownerId: "resident-a", path: own }, true],
  ["another resident cannot read it", otherResident, "order.read", { ownerId: "resident-a", path: own }, false],
  ["the community's worker reads it", worker, "order.read", { ownerId: "resident-a", path: own }, true],
  ["the street reads it", street, "order.read", { path: own }, true],
  ["a foreign worker cannot read it", actor(Role.COMMUNITY_WORKER, foreign[3]!), "order.read", { path: own }, false],
  ["an invited team reads it", member, "order.read", { path: own, offeredTeamIds: ["team-futian"] }, true],
  ["the accepting team reads it", leader, "order.read", { path: own, teamId: "team-futian" }, true],
  ["an uninvited team cannot read it", leader, "order.read", { path: own, offeredTeamIds: ["team-other"] }, false],
  ["a team serving the area sees a pooled order", leader, "order.read", { path: own, actorTeamAreas: ["sz-futian"] }, true],
  ["a team from elsewhere does not see the pool", leader, "order.read", { path: own, actorTeamAreas: ["sz-nanshan"] }, false],
  ["a viewer cannot read orders", viewer, "order.read", { path: own }, false],
  ["a resident orders for her own community", resident, "order.submit", { orgId: c1, path: own }, true],
  ["a resident cannot order for another community", resident, "order.submit", { orgId: foreign[3], path: foreign }, false],
  ["a worker orders on behalf in her community (代点单)", worker, "order.submit", { orgId: c1, path: own }, true],
  ["a worker cannot order for another community", worker, "order.submit", { orgId: foreign[3], path: foreign }, false],
  ["the district cannot place orders", district, "order.submit", { orgId: c1, path: own }, false],
  ["a worker finds a resident of her community to order for (代点单)", worker, "resident.find", { orgId: c1, path: own }, true],
  ["a worker cannot find residents of another community", worker, "resident.find", { orgId: foreign[3], path: foreign }, false],
  ["a resident cannot look up other residents", resident, "resident.find", { orgId: c1, path: own }, false],
  ["the district does not look up residents", district, "resident.find", { orgId: c1, path: own }, false],
  ["the worker dispatches her community's order", worker, "order.handleAtCommunity", { path: own }, true],
  ["the district does not dispatch at the community hop", district, "order.handleAtCommunity", { path: own }, false],
  ["an association above claims from the pool", district, "order.claim", { path: own }, true],
  ["a foreign association cannot claim", actor(Role.DISTRICT_STAFF, "sz-nanshan"), "order.claim", { path: own }, false],
  ["the claimer dispatches what it claimed", district, "order.dispatchClaimed", { path: own, claimedByOrgId: "sz-futian" }, true],
  ["the city cannot dispatch what the district claimed", city, "order.dispatchClaimed", { path: own, claimedByOrgId: "sz-futian" }, false],
  ["an offered team's leader accepts", leader, "order.accept", { offeredTeamIds: ["team-futian"] }, true],
  ["a team that was not offered cannot accept", leader, "order.accept", { offeredTeamIds: ["team-other"] }, false],
  ["a member cannot accept", member, "order.accept", { offeredTeamIds: ["team-futian"] }, false],
  ["a leader grabs a pooled order in his area (抢单)", leader, "order.grab", { path: own, actorTeamAreas: ["sz-futian"] }, true],
  ["a leader cannot grab outside his area", leader, "order.grab", { path: foreign, actorTeamAreas: ["sz-futian"] }, false],
  ["an offered team's leader declines", leader, "order.decline", { offeredTeamIds: ["team-futian"] }, true],
  ["a team that was not offered cannot decline", leader, "order.decline", { offeredTeamIds: [] }, false],
  ["the requester cancels her order", resident, "order.cancel", { ownerId: "resident-a" }, true],
  ["another resident cannot cancel it", otherResident, "order.cancel", { ownerId: "resident-a" }, false],
  ["the requester rates", resident, "order.rate", { ownerId: "resident-a" }, true],
  ["staff do not rate", worker, "order.rate", { ownerId: "resident-a", path: own }, false],
  // activities, bookings, hours, summaries
  ["residents read published activities anywhere", resident, "activity.read", { path: foreign }, true],
  ["staff read activities of their subtree", street, "activity.read", { path: own }, true],
  ["staff do not read another district's activities", district, "activity.read", { path: foreign }, false],
  ["a team reads its own activities", member, "activity.read", { teamId: "team-futian", path: foreign }, true],
  ["the organizer's staff organize", worker, "activity.organize", { path: own }, true],
  ["staff outside the area do not (the summary bug)", actor(Role.COMMUNITY_WORKER, foreign[3]!), "activity.organize", { path: own }, false],
  ["the accepting team's leader organizes an order-made activity", leader, "activity.organize", { teamId: "team-futian", path: own }, true],
  ["a member does not organize", member, "activity.organize", { teamId: "team-futian", path: own }, false],
  ["residents do not organize", resident, "activity.organize", { path: own }, false],
  ["the organizer reads attendance", base, "attendance.read", { path: own }, true],
  ["a resident does not read attendance", resident, "attendance.read", { path: own }, false],
  ["residents book", resident, "booking.make", {}, true],
  ["staff do not book", worker, "booking.make", {}, false],
  ["a resident cancels her own booking", resident, "booking.own", { ownerId: "resident-a" }, true],
  ["not someone else's", otherResident, "booking.own", { ownerId: "resident-a" }, false],
  ["the team leader records hours", leader, "hours.record", { teamId: "team-futian" }, true],
  ["another team's leader does not", actor(Role.TEAM_LEADER, "team-nanshan"), "hours.record", { teamId: "team-futian" }, false],
  ["the organizer confirms hours", worker, "hours.record", { path: own }, true],
  ["staff of the subtree read summaries", district, "summary.read", { path: own }, true],
  ["residents read published summaries", resident, "summary.readPublished", {}, true],
  ["overdue summaries for the subtree's staff", street, "summary.overdue", { path: own }, true],
  ["not for teams", leader, "summary.overdue", { path: own }, false],
  ["the team reads its activity's summary", member, "summary.read", { teamId: "team-futian" }, true],
  // brand and plan
  ["everyone reads a brand page", resident, "brand.read", {}, true],
  ["the community's worker writes its brand", worker, "brand.write", { path: own }, true],
  ["the street above comments and approves, it does not write it", street, "brand.write", { path: own }, false],
  ["nor does the district above", district, "brand.write", { path: own }, false],
  ["the district approves its communities' plans", district, "plan.approve", { path: own }, true],
  ["a district does not approve another district's", district, "plan.approve", { path: foreign }, false],
  ["a worker does not write a foreign community's brand", actor(Role.COMMUNITY_WORKER, foreign[3]!), "brand.write", { path: own }, false],
  ["residents do not write brands", resident, "brand.write", { path: own }, false],
  ["base staff do not write brands", base, "brand.write", { path: own }, false],
  ["the subtree's staff read plan against done", street, "plan.read", { path: own }, true],
  ["residents do not read plans", resident, "plan.read", { path: own }, false],
  ["the community's worker writes the plan", worker, "plan.change", { path: own }, true],
  ["the street approves it", street, "plan.approve", { path: own }, true],
  ["the worker does not approve her own plan", worker, "plan.approve", { path: own }, false],
  // notifications, webhooks, accounts, resources
  ["a person reads her own notifications", resident, "notification.read", { ownerId: "resident-a" }, true],
  ["not another person's", otherResident, "notification.read", { ownerId: "resident-a" }, false],
  ["associations manage webhooks for their subtree", district, "webhook.manage", { path: own }, true],
  ["workers do not", worker, "webhook.manage", { path: own }, false],
  ["associations read accounts of their subtree", district, "account.read", { path: own }, true],
  ["an org submits a resource of its own (征集)", base, "resource.submit", { orgId: "sz-futian", path: ["sz", "sz-futian"] }, true],
  ["not for another org", base, "resource.submit", { orgId: "sz-nanshan", path: ["sz", "sz-nanshan"] }, false],
  ["anyone signed in reads org names", leader, "org.read", {}, true],
  // campaigns, figures, audit
  ["everyone reads campaigns", resident, "campaign.read", {}, true],
  ["the district creates campaigns in its district", district, "campaign.change", { path: own }, true],
  ["a worker does not create campaigns", worker, "campaign.change", { path: own }, false],
  ["the city edits a district's campaign (its owner's place is under the city)", city, "campaign.change", { path: ["sz", "sz-futian"] }, true],
  ["a district does not edit the city's campaign", district, "campaign.change", { path: ["sz"] }, false],
  ["a district does not edit another district's campaign", district, "campaign.change", { path: ["sz", "sz-nanshan"] }, false],
  ["a street does not create campaigns (the city and districts do)", street, "campaign.change", { path: own }, false],
  ["teams read campaigns (报备 of their activities)", leader, "campaign.read", {}, true],
  ["viewers read their subtree's figures", viewer, "figures.read", { path: own }, true],
  ["viewers do not read another district's", viewer, "figures.read", { path: foreign }, false],
  ["workers read their community's figures", worker, "figures.read", { path: own }, true],
  ["residents do not read figures", resident, "figures.read", { path: own }, false],
  ["teams do not read figures", leader, "figures.read", { path: own }, false],
  ["only admins read the audit log", city, "audit.read", {}, false],
  ["admins do everything", admin, "audit.read", {}, true],
  ["admins read any order", admin, "order.read", { path: foreign }, true],
  // 科普教育学分: a school of Futian (an org under the district), its staff, another school's
  ["a resident says she is a student", resident, "student.register", {}, true],
  ["staff do not register students", worker, "student.register", {}, false],
  ["a student reads her own credits", resident, "credit.readOwn", { ownerId: "resident-a" }, true],
  ["another resident does not read hers", otherResident, "credit.readOwn", { ownerId: "resident-a" }, false],
  ["the school's staff export its credits", actor(Role.BASE_STAFF, "sz-futian-school-1"), "credit.export", { orgId: "sz-futian-school-1", path: ["sz", "sz-futian", "sz-futian-school-1"] }, true],
  ["another school's staff do not", actor(Role.BASE_STAFF, "sz-futian-school-2"), "credit.export", { orgId: "sz-futian-school-1", path: ["sz", "sz-futian", "sz-futian-school-1"] }, false],
  ["the district association exports its schools' credits", district, "credit.export", { orgId: "sz-futian-school-1", path: ["sz", "sz-futian", "sz-futian-school-1"] }, true],
  ["another district's association does not", district, "credit.export", { orgId: "sz-nanshan-school-1", path: ["sz", "sz-nanshan", "sz-nanshan-school-1"] }, false],
  ["residents do not export a school's credits", resident, "credit.export", { orgId: c1, path: own }, false],
  // credit rules: read by staff and teams; set by the city for the city, a district for its district
  ["a worker reads the credit rules", worker, "creditRule.read", {}, true],
  ["a team leader reads the credit rules", leader, "creditRule.read", {}, true],
  ["a resident does not read the credit rules", resident, "creditRule.read", {}, false],
  ["the district sets its district's credit rules", district, "creditRule.change", { path: ["sz", "sz-futian"] }, true],
  ["the district does not set the city's", district, "creditRule.change", { path: ["sz"] }, false],
  ["the district does not set another district's", district, "creditRule.change", { path: ["sz", "sz-nanshan"] }, false],
  ["the city sets a district's credit rules", city, "creditRule.change", { path: ["sz", "sz-futian"] }, true],
  ["a worker does not set credit rules", worker, "creditRule.change", { path: own }, false],
  ["a street does not set credit rules", street, "creditRule.change", { path: own }, false],
];

describe("the ownership matrix, cell by cell (PRODUCT.md, 'Who owns what')", () => {
  it.each(cases)("%s", (_who, a, action, facts, allowed) => {
    expect(can(action, a, facts)).toBe(allowed);
  });

  it("every action of the matrix is exercised by at least one case", () => {
    const covered = new Set(cases.map((c) => c[2]));
    const missing = Object.keys(matrix).filter((a) => !covered.has(a as Action));
    expect(missing).toEqual([]);
  });

  it("nobody who is not signed in is allowed anything", () => {
    for (const action of Object.keys(matrix) as Action[]) expect(can(action, undefined, { path: own })).toBe(false);
    expect(can("org.read", create(ActorSchema, { role: Role.ADMIN }), {})).toBe(false);
  });
});

describe("verdicts and list scopes", () => {
  it("says why a write is refused", () => {
    expect(authorize("order.claim", undefined).ok).toBe(false);
    const role = authorize("order.claim", resident, { path: own });
    expect(!role.ok && role.error.code).toBe("ROLE_NOT_ALLOWED");
    const scope = authorize("order.claim", actor(Role.DISTRICT_STAFF, "sz-nanshan"), { path: own });
    expect(!scope.ok && scope.error.code).toBe("OUTSIDE_YOUR_SCOPE");
    expect(authorize("order.claim", district, { path: own }).ok).toBe(true);
  });

  it("scopes lists in the query: the union of the role's scopes, or everything", () => {
    expect(listScope("order.read", resident)).toEqual({ all: false, scopes: ["own"] });
    expect(listScope("order.read", street)).toEqual({ all: false, scopes: ["subtree"] });
    expect(listScope("order.read", leader)).toEqual({ all: false, scopes: ["offered", "ownTeam", "teamArea"] });
    expect(listScope("activity.read", resident)).toEqual({ all: true });
    expect(listScope("order.read", admin)).toEqual({ all: true });
    expect(() => listScope("order.read", viewer)).toThrow(/ROLE_NOT_ALLOWED/);
  });

  it("gives roles no higher than one's own", () => {
    expect(mayGrantRole(Role.DISTRICT_STAFF, Role.COMMUNITY_WORKER)).toBe(true);
    expect(mayGrantRole(Role.DISTRICT_STAFF, Role.DISTRICT_STAFF)).toBe(true);
    expect(mayGrantRole(Role.DISTRICT_STAFF, Role.CITY_STAFF)).toBe(false);
    expect(mayGrantRole(Role.CITY_STAFF, Role.ADMIN)).toBe(false);
    expect(mayGrantRole(Role.ADMIN, Role.SYSTEM)).toBe(false);
    expect(mayGrantRole(Role.RESIDENT, Role.RESIDENT)).toBe(false);
  });
});
