// The org tree over HTTP and the community picker: a district officer adds, renames, moves and
// closes a community within her district; before signing in, a resident finds it among the
// district's streets' children or by its pinyin initials, signs in for it, and later moves to
// another community — recorded with the date, with a token for the new one.
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { Platform } from "./platform.js";

let platform: Platform;
let mongo: MongoClient;
const ids = (body: { organizations: { orgId: string }[] }) => body.organizations.map((o) => o.orgId);

async function residentOf(phone: string, communityId: string) {
  await platform.call("POST", "/api/v1/auth/resident-code", undefined, { phone });
  const code = await waitFor(() => platform.redis.get(`${platform.engines.prefix}kepu:gateway:otp-outbox:${phone}`), { what: "the one-time code" });
  return platform.call("POST", "/api/v1/auth/resident-sign-in", undefined, { phone, code, communityId });
}

beforeAll(async () => {
  platform = await Platform.start("org-tree");
  mongo = new MongoClient(platform.engines.urls.mongoUrl);
  await mongo.connect();
}, 240_000);

afterAll(async () => {
  await mongo?.close();
  await platform?.stop();
});

describe("the org tree over HTTP", () => {
  it("lets a district keep its communities, and a resident pick one before signing in and move later", async () => {
    const district = await platform.signIn("district");
    const created = await platform.call("POST", "/api/v1/orgs", district, { orgId: "sz-futian-yuanling-cuiyuan", name: "翠园新社区", kind: "ORG_KIND_COMMUNITY", parentId: "sz-futian-yuanling" });
    expect(created.status).toBe(201);
    expect(created.body.organization).toMatchObject({ kind: "ORG_KIND_COMMUNITY", place: { streetId: "sz-futian-yuanling", districtId: "sz-futian" } });
    expect((await platform.call("PATCH", "/api/v1/orgs/sz-futian-yuanling-cuiyuan", district, { name: "翠园社区" })).body.organization.name).toBe("翠园社区");
    // Outside her district: refused, nothing made.
    expect((await platform.call("POST", "/api/v1/orgs", district, { orgId: "sz-luohu-s-x", name: "越权社区", kind: "ORG_KIND_COMMUNITY", parentId: "sz-luohu-s" })).status).toBe(403);

    // Before signing in: the picker's lookups are open.
    expect(ids((await platform.call("GET", "/api/v1/orgs/sz/children?kind=ORG_KIND_DISTRICT")).body)).toEqual(expect.arrayContaining(["sz-futian", "sz-luohu"]));
    expect(ids((await platform.call("GET", "/api/v1/orgs/sz-futian-yuanling/children?kind=ORG_KIND_COMMUNITY")).body)).toContain("sz-futian-yuanling-cuiyuan");
    expect(ids((await platform.call("GET", "/api/v1/orgs?q=cysq&kind=ORG_KIND_COMMUNITY")).body)).toEqual(["sz-futian-yuanling-cuiyuan"]);
    expect(ids((await platform.call("GET", "/api/v1/orgs?q=翠园")).body)).toEqual(["sz-futian-yuanling-cuiyuan"]);
    expect((await platform.call("GET", "/api/v1/orgs/sz-futian-yuanling-cuiyuan/ancestors")).status).toBe(401);
    expect(ids((await platform.call("GET", "/api/v1/orgs/sz-futian-yuanling-cuiyuan/ancestors", district)).body)).toEqual(["sz", "sz-futian", "sz-futian-yuanling"]);

    // She signs in for the community she picked, and later moves to another: a new token, the move recorded.
    const signedIn = await residentOf("13700005555", "sz-futian-yuanling-cuiyuan");
    expect(signedIn.status).toBe(200);
    const me = await platform.call("GET", "/api/v1/me", signedIn.body.accessToken);
    expect(me.body.orgId).toBe("sz-futian-yuanling-cuiyuan");
    const moved = await platform.call("POST", "/api/v1/me/community", signedIn.body.accessToken, { communityId: "sz-luohu-s-c" });
    expect(moved.body).toMatchObject({ fromCommunityId: "sz-futian-yuanling-cuiyuan", toCommunityId: "sz-luohu-s-c" });
    expect((await platform.call("GET", "/api/v1/me", moved.body.accessToken)).body).toMatchObject({ id: me.body.id, orgId: "sz-luohu-s-c" });
    const record = await mongo.db(platform.engines.database("gateway")).collection("resident_moves").findOne({ residentId: me.body.id });
    expect(record).toMatchObject({ fromCommunityId: "sz-futian-yuanling-cuiyuan", toCommunityId: "sz-luohu-s-c" });
    expect(Math.abs(new Date(record!.movedAt).getTime() - new Date(moved.body.movedAt).getTime())).toBeLessThan(1000);
    expect((await platform.call("POST", "/api/v1/me/community", moved.body.accessToken, { communityId: "sz-futian-yuanling" })).body.code).toBe("NOT_A_COMMUNITY");
    expect((await platform.call("POST", "/api/v1/me/community", district, { communityId: "sz-luohu-s-c" })).status).toBe(403);

    // Moved to another street and closed: no longer offered, and no longer a community to sign in for.
    const street = await platform.call("POST", "/api/v1/orgs", district, { orgId: "sz-futian-lianhua", name: "莲花街道", kind: "ORG_KIND_STREET", parentId: "sz-futian" });
    expect(street.status).toBe(201);
    const movedOrg = await platform.call("POST", "/api/v1/orgs/sz-futian-yuanling-cuiyuan/move", district, { parentId: "sz-futian-lianhua" });
    expect(movedOrg.body.organization.place.path).toEqual(["sz", "sz-futian", "sz-futian-lianhua", "sz-futian-yuanling-cuiyuan"]);
    expect((await platform.call("POST", "/api/v1/orgs/sz-futian-yuanling-cuiyuan/close", district, { reason: "并入红荔" })).body.organization.closed).toBe(true);
    expect(ids((await platform.call("GET", "/api/v1/orgs/sz-futian-lianhua/children")).body)).toEqual([]);
    expect(ids((await platform.call("GET", "/api/v1/orgs?q=cysq")).body)).toEqual([]);
    expect((await residentOf("13700006666", "sz-futian-yuanling-cuiyuan")).body.code).toBe("NOT_A_COMMUNITY");
  });
});
