// Issue 16's 名录 and menu through HTTP only, every service a process: a base submits a venue (待审核),
// the district rejects one submission with a reason, asks for changes on another with a note, and
// approves the venue; a team publishes a menu item using it (refused while it was pending, and for a
// resource of another org not open to others); a resident of the area sees it on her community's menu
// and orders it; the leader edits it; the district withdraws an item with a reason; a material edit
// sends the venue back to review and off the directory. Each step is its event on kepu.registry.v1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { waitFor } from "@kepu/testkit";
import { community, Platform, expectStatus } from "./platform.js";

let platform: Platform;
const tokens: Record<string, string> = {};
const call = (who: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) => platform.call(method, path, tokens[who], body, headers);

const venue = {
  ownerOrgId: "sz-futian",
  kind: "RESOURCE_KIND_VENUE",
  name: "福田科技馆报告厅",
  description: "可容纳 120 人，含投影与音响",
  capacity: 120,
  themes: ["THEME_HEALTH"],
  areaOrgIds: ["sz-futian"],
  weekdays: [6, 7],
  availabilityNote: "周末 9:00–17:00，提前三天预约",
  openToOthers: true,
};
const item = (resourceIds: string[]) => ({
  title: "健康讲座进社区（报告厅）",
  description: "三甲医院医生讲常见慢病防治",
  theme: "THEME_HEALTH",
  format: "FORMAT_EXPERT_TALK",
  audiences: ["AUDIENCE_ELDERLY"],
  durationMinutes: 90,
  capacity: 100,
  leadTimeDays: 3,
  serviceAreaOrgId: "sz-futian-yuanling",
  providerKind: "TEAM",
  providerId: "team-futian",
  resourceIds,
});
const directory = async (query: string, who = "worker") => ((expectStatus(await call(who, "GET", `/api/v1/resources?${query}`), 200).resources ?? []) as { resourceId: string }[]).map((r) => r.resourceId);

let venueId = "";
let itemId = "";

beforeAll(async () => {
  platform = await Platform.start("menures");
  for (const account of ["base", "district", "street", "leader", "worker"]) tokens[account] = await platform.signIn(account);
  tokens.resident = await platform.resident("13700001616");
}, 180_000);
afterAll(() => platform?.stop());

describe("the 名录 and the menu kept by their owners over HTTP", () => {
  it("a base submits a venue of its org's own: 待审核, in the district's queue, not yet in the directory", async () => {
    const submitted = expectStatus(await call("base", "POST", "/api/v1/resources", venue, { "idempotency-key": "venue-submit-0001" }), 200).resource;
    venueId = submitted.resourceId;
    expect(submitted).toMatchObject({ status: "RESOURCE_STATUS_PENDING", available: false, ownerOrgId: "sz-futian", profile: { capacity: 120, availability: { weekdays: [6, 7] }, openToOthers: true } });
    // The same action retried answers the same resource, not a second one.
    expect(expectStatus(await call("base", "POST", "/api/v1/resources", venue, { "idempotency-key": "venue-submit-0001" }), 200).resource.resourceId).toBe(venueId);
    expect(await directory("kind=RESOURCE_KIND_VENUE")).not.toContain(venueId);
    expect(await directory("status=RESOURCE_STATUS_PENDING", "district")).toEqual([venueId]);
    // Another org's staff cannot submit for Futian.
    expectStatus(await call("worker", "POST", "/api/v1/resources", { ...venue, name: "不是我的报告厅" }), 403);
  });

  it("the district rejects one with a reason and asks for changes on another with a note; neither without words, nor by a street or a team", async () => {
    const rejected = expectStatus(await call("base", "POST", "/api/v1/resources", { ...venue, name: "旧展厅", kind: "RESOURCE_KIND_FACILITY" }), 200).resource.resourceId;
    const returned = expectStatus(await call("base", "POST", "/api/v1/resources", { ...venue, name: "科普专家 王医生", kind: "RESOURCE_KIND_EXPERT", capacity: 0 }), 200).resource.resourceId;
    expectStatus(await call("district", "POST", `/api/v1/resources/${rejected}/review`, { decision: "REJECT", note: " " }), 400, "REASON_REQUIRED");
    expectStatus(await call("district", "POST", `/api/v1/resources/${returned}/review`, { decision: "ASK_CHANGES" }), 400, "NOTE_REQUIRED");
    expectStatus(await call("street", "POST", `/api/v1/resources/${rejected}/review`, { decision: "APPROVE" }), 404); // 园岭 is below Futian: not its to see
    expectStatus(await call("leader", "POST", `/api/v1/resources/${rejected}/review`, { decision: "APPROVE" }), 404);
    expect(expectStatus(await call("district", "POST", `/api/v1/resources/${rejected}/review`, { decision: "REJECT", note: "展厅已停用，请勿入录" }), 200).resource).toMatchObject({ status: "RESOURCE_STATUS_REJECTED", reviewNote: "展厅已停用，请勿入录" });
    expect(expectStatus(await call("district", "POST", `/api/v1/resources/${returned}/review`, { decision: "ASK_CHANGES", note: "请补充专家的职称与擅长领域" }), 200).resource).toMatchObject({ status: "RESOURCE_STATUS_CHANGES_REQUESTED", reviewNote: "请补充专家的职称与擅长领域" });
    expectStatus(await call("district", "POST", `/api/v1/resources/${rejected}/review`, { decision: "APPROVE" }), 409, "RESOURCE_NOT_PENDING");
    // The owner sees why, and an edit of the returned one resubmits it.
    expect(expectStatus(await call("base", "GET", `/api/v1/resources/${rejected}`), 200).resource.reviewNote).toBe("展厅已停用，请勿入录");
    expect(expectStatus(await call("base", "PATCH", `/api/v1/resources/${returned}`, { description: "主任医师，擅长慢病管理" }), 200).resource.status).toBe("RESOURCE_STATUS_PENDING");
  });

  it("a team cannot name the venue while it is pending; approved, it is in the directory by kind, theme, area and weekday", async () => {
    expectStatus(await call("leader", "POST", "/api/v1/menu-items", item([venueId])), 409, "RESOURCE_NOT_USABLE");
    expect(expectStatus(await call("district", "POST", `/api/v1/resources/${venueId}/review`, { decision: "APPROVE" }), 200).resource).toMatchObject({ status: "RESOURCE_STATUS_PUBLISHED", available: true });
    expect(await directory("kind=RESOURCE_KIND_VENUE&theme=THEME_HEALTH")).toEqual([venueId]);
    expect(await directory(`areaOrgId=${community}&weekday=6`, "leader")).toEqual([venueId]); // serves 红荔 (inside Futian) on Saturdays; leaders read the directory too
    expect(await directory("weekday=1")).toEqual([]);
    expect(await directory("areaOrgId=sz-luohu")).toEqual([]);
    expect(await directory("kind=RESOURCE_KIND_EXPERT")).toEqual([]);
    expect(await directory("q=报告厅")).toEqual([venueId]);
    const page = expectStatus(await call("worker", "GET", "/api/v1/resources?pageSize=1&page=0"), 200);
    expect([page.total, page.pageSize, page.resources.length]).toEqual([1, 1, 1]);
  });

  it("a resource of another org not open to others is refused on the team's item", async () => {
    const closed = expectStatus(await call("street", "POST", "/api/v1/resources", { ...venue, ownerOrgId: "sz-futian-yuanling", name: "园岭街道活动室", areaOrgIds: ["sz-futian-yuanling"], openToOthers: false }), 200).resource.resourceId;
    expectStatus(await call("district", "POST", `/api/v1/resources/${closed}/review`, { decision: "APPROVE" }), 200);
    expectStatus(await call("leader", "POST", "/api/v1/menu-items", item([closed])), 409, "RESOURCE_NOT_USABLE");
  });

  it("the team's leader publishes an item using the venue; a resident of the area sees it on her menu and orders it", async () => {
    expectStatus(await call("worker", "POST", "/api/v1/menu-items", item([venueId])), 403); // not the team's
    const published = expectStatus(await call("leader", "POST", "/api/v1/menu-items", item([venueId]), { "idempotency-key": "menu-publish-0001" }), 200).item;
    itemId = published.itemId;
    expect(published).toMatchObject({ title: "健康讲座进社区（报告厅）", durationMinutes: 90, capacity: 100, leadTimeDays: 3, resourceIds: [venueId], providerKind: "PROVIDER_KIND_TEAM" });
    const menu = expectStatus(await call("resident", "GET", `/api/v1/menu?communityId=${community}`), 200);
    expect(menu.items.map((i: { itemId: string }) => i.itemId)).toContain(itemId);
    const order = await waitFor(
      async () => {
        const answer = await call("resident", "POST", "/api/v1/orders", { menuItemId: itemId, title: published.title, theme: "THEME_HEALTH", expectedParticipants: 40, communityId: community });
        return answer.status === 200 ? answer.body.order : undefined;
      },
      { what: "dispatch to know the new item and take the order", timeoutMs: 30_000 },
    );
    expect(order.request.menuItemId).toBe(itemId);
  });

  it("the leader edits his item; the district withdraws it with a reason, and it leaves the list", async () => {
    const edited = expectStatus(await call("leader", "PUT", `/api/v1/menu-items/${itemId}`, { ...item([venueId]), serviceAreaOrgId: undefined, providerKind: undefined, providerId: undefined, title: "慢病防治讲座" }), 200).item;
    expect(edited).toMatchObject({ title: "慢病防治讲座", serviceAreaOrgId: "sz-futian-yuanling", providerId: "team-futian" });
    const own = expectStatus(await call("leader", "GET", "/api/v1/menu-items?providerId=team-futian"), 200).items.map((i: { title: string }) => i.title);
    expect(own).toContain("慢病防治讲座");
    expectStatus(await call("district", "POST", `/api/v1/menu-items/${itemId}/withdraw`, { reason: " " }), 400, "REASON_REQUIRED");
    expectStatus(await call("street", "POST", `/api/v1/menu-items/${itemId}/withdraw`, { reason: "街道不能下架" }), 403);
    expectStatus(await call("district", "POST", `/api/v1/menu-items/${itemId}/withdraw`, { reason: "讲师调离，暂停提供" }), 200);
    expectStatus(await call("district", "POST", `/api/v1/menu-items/${itemId}/withdraw`, { reason: "再次下架" }), 409, "ITEM_WITHDRAWN");
    const inFutian = expectStatus(await call("district", "GET", "/api/v1/menu-items?underOrgId=sz-futian"), 200).items.map((i: { itemId: string }) => i.itemId);
    expect(inFutian).not.toContain(itemId);
    expect(inFutian).toContain("menu-health");
  });

  it("a material edit sends the venue back to review and off the directory; a plain one does not", async () => {
    expect(expectStatus(await call("base", "PATCH", `/api/v1/resources/${venueId}`, { description: "新装了投影" }), 200).resource.status).toBe("RESOURCE_STATUS_PUBLISHED");
    expect(expectStatus(await call("base", "PATCH", `/api/v1/resources/${venueId}`, { capacity: 80 }), 200).resource).toMatchObject({ status: "RESOURCE_STATUS_PENDING", available: false, profile: { capacity: 80, description: "新装了投影" } });
    expect(await directory("kind=RESOURCE_KIND_VENUE")).not.toContain(venueId);
    expect(await directory("status=RESOURCE_STATUS_PENDING", "district")).toContain(venueId);
    expectStatus(await call("leader", "POST", "/api/v1/menu-items", item([venueId])), 409, "RESOURCE_NOT_USABLE");
  });

  it("every step is its event on kepu.registry.v1", async () => {
    const want = ["ResourceSubmitted", "ResourceApproved", "ResourceListed", "ResourceEdited", "ResourceAvailabilityChanged", "MenuItemPublished", "MenuItemEdited", "MenuItemWithdrawn"];
    const typesOf = (messages: { value: Buffer }[]) => messages.map((m) => decodeEnvelope(m.value)).filter((e) => e.aggregateId === venueId || e.aggregateId === itemId).map((e) => e.type.split(".").pop()!);
    const messages = await platform.engines.readTopic(platform.engines.topic("registry"), (all) => want.every((t) => typesOf(all).includes(t)), 90_000);
    expect(typesOf(messages).filter((t) => t.startsWith("Resource"))).toEqual(["ResourceSubmitted", "ResourceApproved", "ResourceListed", "ResourceEdited", "ResourceEdited", "ResourceAvailabilityChanged"]);
    expect(typesOf(messages).filter((t) => t.startsWith("MenuItem"))).toEqual(["MenuItemPublished", "MenuItemEdited", "MenuItemWithdrawn"]);
  });
});
