import { describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { auditFilterOf, auditKindOf, instantOf, outcomeOf, pageSizeOf, paramsOf } from "../src/audit/entry.js";

const codeOf = (check: () => unknown) => {
  try {
    check();
    return "";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("what the audit log records", () => {
  it("records every write by staff and staff reads of personal data, nothing by residents or anonymous callers", () => {
    const kind = (method: string, route: string | undefined, role: Role | undefined, marked?: string) => auditKindOf({ method, route, role, marked });
    for (const role of [Role.COMMUNITY_WORKER, Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF, Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.BASE_STAFF, Role.DASHBOARD_VIEWER, Role.ADMIN]) {
      expect(kind("POST", "/api/v1/orders/:orderId/dispatch", role)).toBe("write");
      expect(kind("DELETE", "/api/v1/teams/:teamId/members/:volunteerId", role)).toBe("write");
      expect(kind("GET", "/api/v1/teams/:teamId", role)).toBe("personal-read");
      expect(kind("GET", "/api/v1/activities/:activityId/attendance", role)).toBe("personal-read");
      expect(kind("GET", "/api/v1/teams/:teamId/members", role)).toBe("personal-read");
      expect(kind("GET", "/api/v1/audit", role)).toBe("personal-read");
      expect(kind("GET", "/api/v1/menu", role)).toBeUndefined();
      expect(kind("GET", "/api/v1/orders", role)).toBeUndefined();
      expect(kind("GET", "/api/v1/orgs/:orgId", role, "personal-read")).toBe("personal-read");
    }
    expect(kind("POST", "/api/v1/orders", Role.RESIDENT)).toBeUndefined();
    expect(kind("GET", "/api/v1/me/bookings", Role.RESIDENT)).toBeUndefined();
    expect(kind("POST", "/api/v1/auth/sign-in", undefined)).toBeUndefined();
    expect(kind("POST", undefined, Role.ADMIN)).toBeUndefined();
    expect(kind("OPTIONS", "/api/v1/teams/:teamId", Role.ADMIN)).toBeUndefined();
  });

  it("tells answered, refused and failed requests apart", () => {
    expect([200, 204, 302, 400, 403, 404, 429, 500, 503].map(outcomeOf)).toEqual(["ok", "ok", "ok", "refused", "refused", "refused", "refused", "error", "error"]);
  });

  it("keeps the ids a path named, masking a phone number even there", () => {
    expect(paramsOf({ teamId: "team-futian", who: "13812345678" })).toEqual({ teamId: "team-futian", who: "138****5678" });
    expect(paramsOf(undefined)).toEqual({});
  });
});

describe("filtering the audit log", () => {
  it("reads a date as the whole Beijing day and a bare date-time as Beijing time", () => {
    expect(instantOf("2026-09-28", "from").toISOString()).toBe("2026-09-27T16:00:00.000Z");
    expect(instantOf("2026-09-28", "to").toISOString()).toBe("2026-09-28T16:00:00.000Z");
    expect(instantOf("2026-09-28T00:30", "from").toISOString()).toBe("2026-09-27T16:30:00.000Z");
    expect(instantOf("2026-09-28T00:30:00Z", "from").toISOString()).toBe("2026-09-28T00:30:00.000Z");
    expect(codeOf(() => instantOf("28/09/2026", "to"))).toBe("BAD_DATE");
  });

  it("builds a filter from the query and refuses an empty range", () => {
    expect(auditFilterOf({ actor: "worker", route: "/api/v1/orders", outcome: "refused", from: "2026-09-01", to: "2026-09-30" })).toEqual({
      actorId: "worker",
      route: "/api/v1/orders",
      outcome: "refused",
      from: new Date("2026-08-31T16:00:00.000Z"),
      to: new Date("2026-09-30T16:00:00.000Z"),
    });
    expect(codeOf(() => auditFilterOf({ from: "2026-09-30", to: "2026-09-01" }))).toBe("BAD_RANGE");
  });

  it("pages at most 200 entries at a time", () => {
    expect([pageSizeOf(undefined), pageSizeOf(0), pageSizeOf(10), pageSizeOf(5000)]).toEqual([50, 1, 10, 200]);
  });
});
