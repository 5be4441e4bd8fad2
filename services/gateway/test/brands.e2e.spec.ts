// Issue 16's 一社区一科普品牌 through HTTP only, every service a process: the community's worker gives
// her community its brand (示范点 a certified base) and its annual plan; the street returns the plan
// with a comment, she changes it, the district approves it (PRODUCT.md: the worker writes, the street
// and district comment and approve); an activity of that community on a planned theme completes and
// the progress shows done 1 of the target; the street and the district roll-ups are the sums of their
// communities; a foreign community's worker may neither write another community's brand nor read its progress.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { Platform, expectStatus } from "./platform.js";

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown) => platform.call(method, path, tokens[who], body);

const hongli = "sz-futian-yuanling-c1";
const second = "sz-futian-yuanling-c2";
const luohu = "sz-luohu-s-c";
/** Two hours ago, and its Beijing year and month: the activity is held then. */
const heldAt = new Date(Date.now() - 2 * 3_600_000);
const beijing = new Date(heldAt.getTime() + 8 * 3_600_000);
const year = beijing.getUTCFullYear();
const month = beijing.getUTCMonth() + 1;
let baseId = "";

beforeAll(async () => {
  platform = await Platform.start("brands");
  for (const account of ["base", "district", "street", "worker", "admin"]) tokens[account] = await platform.signIn(account);
  // A second community in the street, and a certified district base to be the 示范点.
  expectStatus(await call("admin", "POST", "/api/v1/orgs", { orgId: second, name: "园岭第二社区", kind: "ORG_KIND_COMMUNITY", parentId: "sz-futian-yuanling" }), 201);
  baseId = expectStatus(await call("base", "POST", "/api/v1/bases/applications", { name: "福田科技馆", orgId: "sz-futian", level: "BASE_LEVEL_DISTRICT", themes: ["THEME_HEALTH"], offers: "常设展厅" }), 200).base.baseId;
  expectStatus(await call("district", "POST", `/api/v1/bases/${baseId}/review`, { approve: true }), 200);
}, 180_000);
afterAll(() => platform?.stop());

const complete = async (communityId: string, theme: string, title: string) => {
  const session = { startsAt: heldAt.toISOString(), endsAt: new Date(heldAt.getTime() + 3_600_000).toISOString(), capacity: 30 };
  const activityId = expectStatus(await call("admin", "POST", "/api/v1/activities", { title, theme, orgId: communityId, sessions: [session] }), 200).activity.activityId;
  expectStatus(await call("admin", "POST", `/api/v1/activities/${activityId}/summary`, { text: `${title}：讲座与互动体验，现场 8 人` }), 200);
  expect(expectStatus(await call("admin", "POST", `/api/v1/activities/${activityId}/complete`, { walkIns: 8 }), 200).activity.status).toBe("ACTIVITY_STATUS_COMPLETED");
};

describe("一社区一科普品牌: plan against done over HTTP", () => {
  it("the community's worker defines its brand with its 示范点: names, never ids, on the page; a base that does not exist is refused; the district does not write it", async () => {
    expectStatus(await call("worker", "PUT", `/api/v1/communities/${hongli}/brand`, { name: "红荔健康科普", theme: "THEME_HEALTH", demoBaseId: "base-none" }), 404, "BASE_NOT_FOUND");
    expectStatus(await call("worker", "GET", `/api/v1/communities/${hongli}/brand`), 404, "BRAND_NOT_FOUND");
    expectStatus(await call("district", "PUT", `/api/v1/communities/${hongli}/brand`, { name: "红荔健康科普", theme: "THEME_HEALTH", demoBaseId: baseId }), 403, "ROLE_NOT_ALLOWED");
    const brand = expectStatus(await call("worker", "PUT", `/api/v1/communities/${hongli}/brand`, { name: "红荔健康科普", theme: "THEME_HEALTH", demoBaseId: baseId, slogan: "健康生活从科普开始" }), 200).brand;
    expect(brand).toMatchObject({ communityId: hongli, communityName: hongli, name: "红荔健康科普", theme: "THEME_HEALTH", demoBase: { baseId, name: "福田科技馆" }, writable: true, reviewable: false });
    // Everyone signed in reads the brand page; the district above may review its plans.
    expect(expectStatus(await call("district", "GET", `/api/v1/communities/${hongli}/brand`), 200).brand).toMatchObject({ name: "红荔健康科普", writable: false, reviewable: true });
    expect(expectStatus(await call("base", "GET", `/api/v1/communities/${hongli}/brand`), 200).brand).toMatchObject({ writable: false, reviewable: false });
  });

  it("the worker sets the year's plan (a bad month or a negative target refused by the edge); the street returns it with a comment, she changes it, the district approves it", async () => {
    const planPath = `/api/v1/communities/${hongli}/plan/${year}`;
    expectStatus(await call("worker", "PUT", planPath, { targets: [{ theme: "THEME_HEALTH", month: 13, target: 1 }] }), 400);
    expectStatus(await call("worker", "PUT", planPath, { targets: [{ theme: "THEME_HEALTH", month, target: -1 }] }), 400);
    const targets = [
      { theme: "THEME_HEALTH", month, target: 2 },
      { theme: "THEME_DIGITAL_LITERACY", month: (month % 12) + 1, target: 1 },
    ];
    expectStatus(await call("street", "PUT", planPath, { targets }), 403, "ROLE_NOT_ALLOWED");
    const plans = expectStatus(await call("worker", "PUT", planPath, { targets: targets.slice(0, 1), audiences: ["AUDIENCE_ELDERLY"] }), 200).brand.plans;
    expect(plans).toEqual([expect.objectContaining({ year, targets: targets.slice(0, 1), audiences: ["AUDIENCE_ELDERLY"], status: "BRAND_PLAN_STATUS_AWAITING_APPROVAL" })]);

    expectStatus(await call("worker", "POST", `${planPath}/review`, { decision: "approve" }), 403, "ROLE_NOT_ALLOWED");
    expectStatus(await call("street", "POST", `${planPath}/review`, { decision: "return" }), 400, "COMMENT_REQUIRED");
    const returned = expectStatus(await call("street", "POST", `${planPath}/review`, { decision: "return", comment: "下个月请加一场数字素养课" }), 200).brand.plans[0];
    expect(returned).toMatchObject({ status: "BRAND_PLAN_STATUS_RETURNED", reviewComment: "下个月请加一场数字素养课", reviewerOrgName: "sz-futian-yuanling" });
    expectStatus(await call("district", "POST", `${planPath}/review`, { decision: "approve" }), 409, "PLAN_RETURNED");

    expectStatus(await call("worker", "PUT", planPath, { targets, audiences: ["AUDIENCE_ELDERLY"] }), 200);
    const approved = expectStatus(await call("district", "POST", `${planPath}/review`, { decision: "approve", comment: "同意" }), 200).brand.plans[0];
    expect(approved).toMatchObject({ year, targets: expect.arrayContaining(targets), status: "BRAND_PLAN_STATUS_APPROVED", reviewComment: "同意", reviewerOrgName: "sz-futian" });

    // The second community has no worker account here: the admin keeps its brand and plan.
    expectStatus(await call("admin", "PUT", `/api/v1/communities/${second}/brand`, { name: "园岭数字生活", theme: "THEME_DIGITAL_LITERACY", demoBaseId: baseId }), 200);
    expectStatus(await call("admin", "PUT", `/api/v1/communities/${second}/plan/${year}`, { targets: [{ theme: "THEME_HEALTH", month, target: 3 }] }), 200);
  });

  it("an activity of the community on the planned theme completes: done 1 of 2; the street and the district sum their communities", async () => {
    const before = expectStatus(await call("worker", "GET", `/api/v1/communities/${hongli}/plan/${year}/progress`), 200);
    expect(before).toMatchObject({ communityName: hongli, brandName: "红荔健康科普", target: 3, done: 0 });
    await complete(hongli, "THEME_HEALTH", "红荔健康讲座");
    await complete(second, "THEME_HEALTH", "园岭健康讲座");
    const progress = await waitFor(
      async () => {
        const p = expectStatus(await call("worker", "GET", `/api/v1/communities/${hongli}/plan/${year}/progress`), 200);
        return p.done === 1 ? p : undefined;
      },
      { what: "the statistics to count the completed activity", timeoutMs: 30_000 },
    );
    expect(progress.cells).toContainEqual({ theme: "THEME_HEALTH", month, target: 2, done: 1 });
    expect(progress.themes).toContainEqual({ theme: "THEME_HEALTH", target: 2, done: 1 });
    expect(progress).toMatchObject({ target: 3, done: 1 });

    const district = await waitFor(
      async () => {
        const d = expectStatus(await call("district", "GET", `/api/v1/orgs/sz-futian/plan/${year}/progress`), 200);
        return d.done === 2 ? d : undefined;
      },
      { what: "both completions in the district's roll-up", timeoutMs: 30_000 },
    );
    expect(district).toMatchObject({ orgId: "sz-futian", orgName: "sz-futian", target: 6, done: 2 });
    expect(district.districts).toEqual([{ orgId: "sz-futian", name: "sz-futian", parentId: "", communities: 2, target: 6, done: 2 }]);
    expect(district.streets).toEqual([{ orgId: "sz-futian-yuanling", name: "sz-futian-yuanling", parentId: "sz-futian", communities: 2, target: 6, done: 2 }]);
    expect(district.communities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ communityId: hongli, brandName: "红荔健康科普", target: 3, done: 1 }),
        expect.objectContaining({ communityId: second, name: "园岭第二社区", brandName: "园岭数字生活", target: 3, done: 1 }),
      ]),
    );
    const street = expectStatus(await call("street", "GET", `/api/v1/orgs/sz-futian-yuanling/plan/${year}/progress`), 200);
    expect(street).toMatchObject({ target: 6, done: 2, streets: [{ orgId: "sz-futian-yuanling", target: 6, done: 2 }] });
  });

  it("a foreign community's worker may not write another community's brand or plan, nor read its progress; nothing changes", async () => {
    expectStatus(await call("admin", "PUT", `/api/v1/communities/${luohu}/brand`, { name: "罗湖环保科普", theme: "THEME_GREEN_LOW_CARBON", demoBaseId: baseId }), 200);
    expectStatus(await call("worker", "PUT", `/api/v1/communities/${luohu}/brand`, { name: "不是我的品牌", theme: "THEME_HEALTH", demoBaseId: baseId }), 403, "OUTSIDE_YOUR_SCOPE");
    expectStatus(await call("worker", "PUT", `/api/v1/communities/${luohu}/plan/${year}`, { targets: [{ theme: "THEME_HEALTH", month, target: 9 }] }), 403, "OUTSIDE_YOUR_SCOPE");
    expectStatus(await call("admin", "PUT", `/api/v1/communities/${luohu}/plan/${year}`, { targets: [{ theme: "THEME_HEALTH", month, target: 1 }] }), 200);
    expectStatus(await call("district", "POST", `/api/v1/communities/${luohu}/plan/${year}/review`, { decision: "approve" }), 403, "OUTSIDE_YOUR_SCOPE");
    expectStatus(await call("worker", "GET", `/api/v1/communities/${luohu}/plan/${year}/progress`), 404);
    expectStatus(await call("district", "GET", `/api/v1/orgs/sz-luohu/plan/${year}/progress`), 404);
    expect(expectStatus(await call("worker", "GET", `/api/v1/communities/${luohu}/brand`), 200).brand).toMatchObject({ name: "罗湖环保科普", plans: [expect.objectContaining({ status: "BRAND_PLAN_STATUS_AWAITING_APPROVAL" })], writable: false });
  });
});
