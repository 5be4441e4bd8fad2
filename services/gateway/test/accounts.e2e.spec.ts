// Staff accounts over HTTP, on the whole platform: the first admin from the command, accounts made
// by associations within their subtree with roles no higher than their own, the initial password
// changed before anything else, disable (its sessions ended) / enable / reset, the list searched and paged, every
// refused write leaving the store as it was, and every write in the audit log.
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@kepu/testkit";
import { community, Platform } from "./platform.js";

let platform: Platform;
let mongo: MongoClient;
const accountsCollection = () => mongo.db(platform.engines.database("gateway")).collection("accounts");
let district: string;
let street: string;
let worker: string;
let admin: string;

const signIn = (account: string, password: string) => platform.call("POST", "/api/v1/auth/sign-in", undefined, { account, password });
const create = (token: string, body: object) => platform.call("POST", "/api/v1/accounts", token, body);
/** Every account as stored, without its outbox (the gateway's relay empties it whenever it likes). */
const snapshot = async () => (await accountsCollection().find({}, { projection: { outbox: 0, outboxCount: 0 } }).sort({ _id: 1 }).toArray()).map((d) => JSON.stringify(d));

beforeAll(async () => {
  platform = await Platform.start("accounts");
  mongo = new MongoClient(platform.engines.urls.mongoUrl);
  const tokens = await Promise.all(["district", "street", "worker", "admin"].map((a) => platform.signIn(a)));
  [district, street, worker, admin] = tokens as [string, string, string, string];
}, 240_000);

afterAll(async () => {
  await mongo?.close();
  await platform?.stop();
});

describe("the first admin (npm run admin)", () => {
  it("refuses while an admin exists, makes one with --force, whose printed password must be changed at the first sign-in", async () => {
    const refused = await platform.adminCommand("--account", "root", "--name", "根管理员");
    expect(refused.code).toBe(2);
    expect(refused.out).toContain("--force");
    expect(await accountsCollection().countDocuments({ _id: "root" as never })).toBe(0);

    const made = await platform.adminCommand("--account", "root", "--name", "根管理员", "--force");
    expect(made.code, made.out).toBe(0);
    const password = /initial password[^:]*: (\S+)/.exec(made.out)?.[1];
    expect(password).toBeDefined();

    const first = await signIn("root", password!);
    expect([first.status, first.body.code]).toEqual([403, "PASSWORD_CHANGE_REQUIRED"]);
    expect(first.body.accessToken).toBeUndefined();
    const wrong = await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "root", currentPassword: "not-it-at-all", newPassword: "根的新密码-2026" });
    expect([wrong.status, wrong.body.code]).toEqual([401, "WRONG_CREDENTIALS"]);
    const changed = await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "root", currentPassword: password, newPassword: "根的新密码-2026" });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await platform.call("GET", "/api/v1/me", changed.body.accessToken)).body).toMatchObject({ id: "root", role: "ADMIN", displayName: "根管理员" });
    expect((await signIn("root", password!)).status).toBe(401);
    expect((await signIn("root", "根的新密码-2026")).status).toBe(200);
  });
});

describe("creating accounts", () => {
  it("a district association makes a community worker in its subtree: the password is shown once and must be changed first", async () => {
    const made = await create(district, { account: "wang.worker", displayName: "红荔社区 王社工", role: "COMMUNITY_WORKER", orgId: community });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.account).toMatchObject({ account: "wang.worker", role: "COMMUNITY_WORKER", orgId: community, path: ["sz", "sz-futian", "sz-futian-yuanling", community], status: "active", mustChangePassword: true, createdBy: "district" });
    const password = made.body.initialPassword as string;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(JSON.stringify(await accountsCollection().findOne({ _id: "wang.worker" as never }))).not.toContain(password); // only its hash is kept

    expect((await signIn("wang.worker", password)).body.code).toBe("PASSWORD_CHANGE_REQUIRED");
    const weak = await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "wang.worker", currentPassword: password, newPassword: "short" });
    expect([weak.status, weak.body.code]).toEqual([400, "WEAK_PASSWORD"]);
    const changed = await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "wang.worker", currentPassword: password, newPassword: "王社工的密码 2026" });
    expect(changed.status).toBe(200);
    expect((await platform.call("GET", "/api/v1/me", changed.body.accessToken)).body).toMatchObject({ id: "wang.worker", role: "COMMUNITY_WORKER", orgId: community });
  });

  it("an admin may give the initial password and waive the change (the demo seed); a team role acts for a team", async () => {
    const made = await create(admin, { account: "demo.leader", displayName: "演示 队长", role: "TEAM_LEADER", orgId: "team-futian", initialPassword: "kepu-demo", mustChangePassword: false });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.account.path).toEqual(["sz", "sz-futian", "team-futian"]);
    expect((await signIn("demo.leader", "kepu-demo")).status).toBe(200);
  });

  it("refuses, changing nothing: a higher role, outside the subtree, a role that keeps no accounts, a waived change, a phone in the name, a mismatched org, a taken name", async () => {
    const before = await snapshot();
    const cases: [string, object, number, string][] = [
      [district, { account: "too.high", displayName: "市里的人", role: "CITY_STAFF", orgId: "sz" }, 403, "ROLE_TOO_HIGH"],
      [street, { account: "street.up", displayName: "区里的人", role: "DISTRICT_STAFF", orgId: "sz-futian" }, 403, "ROLE_TOO_HIGH"],
      [district, { account: "luohu.worker", displayName: "罗湖社工", role: "COMMUNITY_WORKER", orgId: "sz-luohu-s-c" }, 403, "OUTSIDE_YOUR_SCOPE"],
      [worker, { account: "by.worker", displayName: "社工建的", role: "COMMUNITY_WORKER", orgId: community }, 403, "ROLE_NOT_ALLOWED"],
      [district, { account: "no.change", displayName: "免改密码", role: "COMMUNITY_WORKER", orgId: community, mustChangePassword: false }, 403, "MUST_CHANGE_REQUIRED"],
      [district, { account: "phone.name", displayName: "李 13812345678", role: "COMMUNITY_WORKER", orgId: community }, 400, "PHONE_IN_NAME"],
      [district, { account: "mismatch", displayName: "街道的社工", role: "COMMUNITY_WORKER", orgId: "sz-futian-yuanling" }, 400, "ROLE_ORG_MISMATCH"],
      [district, { account: "no.org", displayName: "无组织", role: "STREET_STAFF", orgId: "sz-nowhere" }, 400, "ORG_NOT_FOUND"],
      [district, { account: "worker", displayName: "重名", role: "COMMUNITY_WORKER", orgId: community }, 409, "ACCOUNT_EXISTS"],
      [district, { account: "resident-1234", displayName: "冒充居民", role: "COMMUNITY_WORKER", orgId: community }, 400, "BAD_ACCOUNT_NAME"],
    ];
    for (const [token, body, status, code] of cases) {
      const answer = await create(token, body);
      expect([answer.status, answer.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const resident = await platform.resident("13700005555");
    expect((await create(resident, { account: "by.resident", displayName: "居民建的", role: "COMMUNITY_WORKER", orgId: community })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});

describe("listing", () => {
  it("lists its subtree only, searched by name (Chinese, regex characters taken literally), filtered and paged", async () => {
    expect((await create(admin, { account: "luohu.one", displayName: "罗湖 赵社工", role: "COMMUNITY_WORKER", orgId: "sz-luohu-s-c" })).status).toBe(200);
    expect((await create(district, { account: "yuanling.two", displayName: "园岭 (二) 钱干事", role: "STREET_STAFF", orgId: "sz-futian-yuanling" })).status).toBe(200);

    const mine = await platform.call("GET", "/api/v1/accounts?pageSize=200", district);
    const names = (mine.body.accounts as { account: string }[]).map((a) => a.account);
    expect(names).toEqual(expect.arrayContaining(["wang.worker", "yuanling.two", "demo.leader"]));
    expect(names).not.toContain("luohu.one");
    expect(names).not.toContain("root"); // admins are nobody's subtree
    expect((await platform.call("GET", "/api/v1/accounts?pageSize=200", admin)).body.accounts.map((a: { account: string }) => a.account)).toContain("luohu.one");
    expect((await platform.call("GET", "/api/v1/accounts?orgId=sz-luohu", district)).body.accounts).toEqual([]);

    const search = await platform.call("GET", `/api/v1/accounts?q=${encodeURIComponent("王社工")}`, district);
    expect(search.body.accounts.map((a: { account: string }) => a.account)).toEqual(["wang.worker"]);
    const literal = await platform.call("GET", `/api/v1/accounts?q=${encodeURIComponent("(二")}`, district);
    expect([literal.status, literal.body.accounts.map((a: { account: string }) => a.account)]).toEqual([200, ["yuanling.two"]]);
    const streets = await platform.call("GET", "/api/v1/accounts?role=STREET_STAFF", district);
    expect(streets.body.accounts.map((a: { account: string }) => a.account)).toEqual(["yuanling.two"]);

    const page0 = await platform.call("GET", "/api/v1/accounts?pageSize=1&page=0", district);
    const page1 = await platform.call("GET", "/api/v1/accounts?pageSize=1&page=1", district);
    expect(page0.body.total).toBe(names.length);
    expect([page0.body.accounts.length, page1.body.accounts.length, page1.body.page]).toEqual([1, 1, 1]);
    expect(page1.body.accounts[0].account > page0.body.accounts[0].account).toBe(true);
    expect((await platform.call("GET", "/api/v1/accounts", worker)).status).toBe(403);
  });
});

describe("disable, enable, reset", () => {
  it("a disabled account cannot sign in until enabled; a reset password is shown once and must be changed; all of it audited", async () => {
    const made = await create(district, { account: "li.grid", displayName: "红荔社区 李网格员", role: "COMMUNITY_WORKER", orgId: community, initialPassword: "first-pass-2026" });
    expect((await platform.call("POST", "/api/v1/auth/change-password", undefined, { account: "li.grid", currentPassword: made.body.initialPassword, newPassword: "li-grid-own-pass" })).status).toBe(200);

    const session = (await signIn("li.grid", "li-grid-own-pass")).body.refreshToken as string;
    const disabled = await platform.call("POST", "/api/v1/accounts/li.grid/disable", street);
    expect((await platform.call("POST", "/api/v1/auth/refresh", undefined, { refreshToken: session })).status).toBe(401); // its sessions ended
    expect(disabled.body.account.status).toBe("disabled");
    expect((await signIn("li.grid", "li-grid-own-pass")).body.code).toBe("ACCOUNT_DISABLED");
    expect((await signIn("li.grid", "wrong-pass-at-all")).body.code).toBe("WRONG_CREDENTIALS"); // disabled is told only to the right password
    expect((await platform.call("GET", "/api/v1/accounts?status=disabled", district)).body.accounts.map((a: { account: string }) => a.account)).toEqual(["li.grid"]);
    expect((await platform.call("POST", "/api/v1/accounts/li.grid/enable", district)).body.account.status).toBe("active");
    expect((await signIn("li.grid", "li-grid-own-pass")).status).toBe(200);

    const reset = await platform.call("POST", "/api/v1/accounts/li.grid/reset-password", district);
    expect(reset.body.account.mustChangePassword).toBe(true);
    expect((await signIn("li.grid", "li-grid-own-pass")).status).toBe(401);
    expect((await signIn("li.grid", reset.body.initialPassword)).body.code).toBe("PASSWORD_CHANGE_REQUIRED");

    const before = await snapshot();
    const luohu = await platform.call("POST", "/api/v1/accounts/luohu.one/disable", district);
    expect([luohu.status, luohu.body.code]).toEqual([404, "ACCOUNT_NOT_FOUND"]);
    expect((await platform.call("POST", "/api/v1/accounts/district/reset-password", street)).status).toBe(404); // the district's account is above the street
    expect((await platform.call("POST", "/api/v1/accounts/root/disable", district)).status).toBe(404);
    expect((await platform.call("POST", "/api/v1/accounts/li.grid/disable", worker)).status).toBe(403);
    const peer = await platform.call("POST", "/api/v1/accounts/yuanling.two/disable", street);
    expect(peer.status).toBe(200); // a peer in the same street: allowed
    expect((await platform.call("POST", "/api/v1/accounts/yuanling.two/enable", street)).status).toBe(200);
    expect((await snapshot()).filter((d) => !d.includes('"yuanling.two"'))).toEqual(before.filter((d) => !d.includes('"yuanling.two"')));

    const entries = await waitFor(
      async () => {
        const page = await platform.call("GET", `/api/v1/audit?route=${encodeURIComponent("/api/v1/accounts/:account/disable")}`, admin);
        return page.body.entries?.length >= 2 ? page.body.entries : undefined;
      },
      { what: "the disables in the audit log" },
    );
    expect(entries.map((e: { actor: { id: string }; params: { account: string } }) => `${e.actor.id} ${e.params.account}`)).toEqual(expect.arrayContaining(["street li.grid", "district luohu.one"]));
  });
});
