import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { decide } from "../src/domain/decide.js";
import { authorize, canRead } from "../src/domain/policy.js";
import { rankTeams, type TeamProfile } from "../src/domain/suggest.js";
import { commands as c, community, deadlines, given, t0 } from "./order-fixtures.js";

const actor = (role: Role, orgId: string, id = "u-1") => create(ActorSchema, { id, role, orgId });

describe("who may do what", () => {
  const submitted = given(c.submit);
  const dispatched = given(c.submit, c.dispatch);
  const pooled = given(c.submit, c.pool);

  it("lets a community worker dispatch only orders of their own community subtree", () => {
    expect(authorize(c.dispatch, submitted, actor(Role.COMMUNITY_WORKER, "sz-futian-yuanling-hongli")).ok).toBe(true);
    // The community hop is the community's: the street above reads it but does not dispatch it.
    const street = authorize(c.dispatch, submitted, actor(Role.STREET_STAFF, "sz-futian-yuanling"));
    expect(street.ok ? "" : street.error.code).toBe("ROLE_NOT_ALLOWED");
    const foreign = authorize(c.dispatch, submitted, actor(Role.COMMUNITY_WORKER, "sz-futian-huafu-other"));
    expect(foreign.ok ? "" : foreign.error.code).toBe("OUTSIDE_YOUR_SCOPE");
  });

  it("lets association staff claim pooled orders of their district, not of another", () => {
    expect(authorize(c.claim, pooled, actor(Role.DISTRICT_STAFF, "sz-futian")).ok).toBe(true);
    expect(authorize(c.claim, pooled, actor(Role.CITY_STAFF, "sz")).ok).toBe(true);
    expect(authorize(c.claim, pooled, actor(Role.DISTRICT_STAFF, "sz-nanshan")).ok).toBe(false);
    expect(authorize(c.claim, pooled, actor(Role.COMMUNITY_WORKER, "sz-futian-yuanling-hongli")).ok).toBe(false);
  });

  it("lets only the association that claimed an order dispatch it (not the city above it)", () => {
    const claimed = given(c.submit, c.pool, c.claim);
    expect(authorize(c.dispatch, claimed, actor(Role.DISTRICT_STAFF, "sz-futian")).ok).toBe(true);
    const city = authorize(c.dispatch, claimed, actor(Role.CITY_STAFF, "sz"));
    expect(city.ok ? "" : city.error.code).toBe("OUTSIDE_YOUR_SCOPE");
  });

  it("lets a team grab (抢单) a pooled order only inside its service area", () => {
    expect(authorize(c.accept, pooled, actor(Role.TEAM_LEADER, "team-a"), ["sz-futian"]).ok).toBe(true);
    const far = authorize(c.accept, pooled, actor(Role.TEAM_LEADER, "team-a"), ["sz-nanshan"]);
    expect(far.ok ? "" : far.error.code).toBe("OUTSIDE_YOUR_SCOPE");
    expect(canRead(pooled, actor(Role.TEAM_LEADER, "team-a"), ["sz-futian"])).toBe(true);
    expect(canRead(pooled, actor(Role.TEAM_LEADER, "team-a"), ["sz-nanshan"])).toBe(false);
    expect(canRead(pooled, actor(Role.TEAM_LEADER, "team-a"))).toBe(false);
  });

  it("lets a team leader accept or decline only what was offered to his own team", () => {
    const notOffered = authorize({ kind: "accept", teamId: "team-z" }, dispatched, actor(Role.TEAM_LEADER, "team-z"));
    expect(notOffered.ok ? "" : notOffered.error.code).toBe("OUTSIDE_YOUR_SCOPE");
    expect(authorize(c.accept, dispatched, actor(Role.TEAM_LEADER, "team-a")).ok).toBe(true);
    const other = authorize(c.accept, dispatched, actor(Role.TEAM_LEADER, "team-b"));
    expect(other.ok ? "" : other.error.code).toBe("NOT_YOUR_TEAM");
    expect(authorize(c.accept, dispatched, actor(Role.TEAM_MEMBER, "team-a")).ok).toBe(false);
  });

  it("lets a team that was offered the order and lost the race through to the decider, which says why", () => {
    const taken = given(c.submit, c.dispatch, c.accept); // team-a won; team-b was offered it too
    const late = { kind: "accept", teamId: "team-b" } as const;
    expect(authorize(late, taken, actor(Role.TEAM_LEADER, "team-b")).ok).toBe(true);
    const answer = decide(taken, late, { now: t0, deadlines });
    expect(answer.ok ? "" : answer.error.code).toBe("ORDER_ALREADY_ACCEPTED");
    const stranger = authorize({ kind: "accept", teamId: "team-z" }, taken, actor(Role.TEAM_LEADER, "team-z"));
    expect(stranger.ok ? "" : stranger.error.code).toBe("OUTSIDE_YOUR_SCOPE"); // never offered
    const declined = given(c.submit, c.dispatch, c.decline, { kind: "accept", teamId: "team-b" });
    expect(authorize({ kind: "accept", teamId: "team-a" }, declined, actor(Role.TEAM_LEADER, "team-a")).ok).toBe(false); // it declined
    expect(canRead(taken, actor(Role.TEAM_LEADER, "team-b"))).toBe(false); // the offer is over: no longer in its inbox
  });

  it("lets a resident cancel only their own order, and nobody act unsigned", () => {
    expect(authorize(c.cancel, submitted, actor(Role.RESIDENT, "", "resident-1")).ok).toBe(true);
    expect(authorize(c.cancel, submitted, actor(Role.RESIDENT, "", "resident-2")).ok).toBe(false);
    const anonymous = authorize(c.cancel, submitted, undefined);
    expect(anonymous.ok ? "" : anonymous.error.code).toBe("NOT_SIGNED_IN");
  });

  it("keeps system actions (timers, activity updates) away from people", () => {
    expect(authorize({ kind: "escalate" }, submitted, actor(Role.DISTRICT_STAFF, "sz-futian")).ok).toBe(false);
    expect(authorize({ kind: "escalate" }, submitted, actor(Role.SYSTEM, "dispatch")).ok).toBe(true);
  });

  it("shows an order to its requester, its teams and staff above its community only", () => {
    expect(canRead(dispatched, actor(Role.RESIDENT, "", "resident-1"))).toBe(true);
    expect(canRead(dispatched, actor(Role.RESIDENT, "", "resident-9"))).toBe(false);
    expect(canRead(dispatched, actor(Role.TEAM_MEMBER, "team-b"))).toBe(true);
    expect(canRead(dispatched, actor(Role.TEAM_LEADER, "team-z"))).toBe(false);
    expect(canRead(dispatched, actor(Role.STREET_STAFF, "sz-futian-yuanling"))).toBe(true);
    expect(canRead(dispatched, actor(Role.DASHBOARD_VIEWER, "sz-futian"))).toBe(false); // figures, not orders
    const declined = given(c.submit, c.dispatch, c.decline);
    expect(canRead(declined, actor(Role.TEAM_LEADER, "team-a"))).toBe(false); // no longer invited
    expect(canRead(declined, actor(Role.TEAM_LEADER, "team-b"))).toBe(true);
    expect(canRead(dispatched, actor(Role.DISTRICT_STAFF, "sz-luohu"))).toBe(false);
  });
});

describe("team suggestions", () => {
  const team = (teamId: string, extra: Partial<TeamProfile>): TeamProfile => ({
    teamId, name: teamId, themes: [Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-futian"], memberIds: ["vol-1"], openOrders: 0, accepted: 0, declined: 0, rating: 0, ...extra,
  });

  it("ranks the team that fits theme and area first, and explains every part of the score", () => {
    const ranked = rankTeams(
      [team("far", { serviceAreaOrgIds: ["sz-nanshan"] }), team("fits", {}), team("offtopic", { themes: [Theme.NUCLEAR] })],
      Theme.DIGITAL_LITERACY,
      community,
      3,
    );
    expect(ranked.map((s) => s.team.teamId)).toEqual(["fits", "far", "offtopic"]);
    expect(ranked[0]!.parts.map((p) => p.factor)).toEqual(["theme", "area", "load", "rating", "declines"]);
    expect(ranked[0]!.parts.every((p) => p.reasonZh && p.reasonEn)).toBe(true);
  });

  it("prefers a less loaded, better rated team that rarely declines", () => {
    const ranked = rankTeams(
      [team("busy", { openOrders: 5, declined: 3, accepted: 1, rating: 3 }), team("free", { rating: 5, accepted: 4 })],
      Theme.DIGITAL_LITERACY,
      community,
      2,
    );
    expect(ranked[0]!.team.teamId).toBe("free");
    expect(ranked[1]!.parts.find((p) => p.factor === "declines")!.points).toBeLessThan(0);
  });
});
