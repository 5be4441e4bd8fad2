// The account store against the real engines (FerretDB, Redis), in-process: the password change
// goes through the sign-in lock (guessing the current password is capped alike), a reset clears a
// lock, names are unique, and the account name search takes regex characters literally.
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { TestEngines, uniquePrefix } from "@kepu/testkit";
import { Accounts, type NewAccount } from "../src/auth/accounts.js";

const engines = new TestEngines(uniquePrefix("accounts"));
const mongo = new MongoClient(engines.urls.mongoUrl);
const redis = new Redis(engines.urls.redisUrl);
let accounts: Accounts;
const worker = (account: string, extra: Partial<NewAccount> = {}): NewAccount => ({ account, displayName: "红荔社区 社工", role: Role.COMMUNITY_WORKER, orgId: "c1", path: ["sz", "sz-futian", "y", "c1"], mustChangePassword: true, createdBy: "test", ...extra });
const codeOf = (promise: Promise<unknown>) => promise.then(
  () => "ok",
  (error: { code: string }) => error.code,
);

beforeAll(async () => {
  await mongo.connect();
  accounts = new Accounts(mongo.db(engines.database("gateway")), redis, `${engines.prefix}kepu:gateway:`, { maxFailures: 3, windowSeconds: 60, lockSeconds: 60 });
});

afterAll(async () => {
  redis.disconnect();
  await mongo.close();
  await engines.cleanup();
});

describe("the account store", () => {
  it("caps guesses of the current password like sign-ins, and a reset lifts the lock", async () => {
    await accounts.add(worker("guessed", { password: "initial-pass" }));
    expect(await codeOf(accounts.changePassword("guessed", "guess-one", "new-password-1"))).toBe("WRONG_CREDENTIALS");
    expect(await codeOf(accounts.changePassword("guessed", "guess-two", "new-password-1"))).toBe("WRONG_CREDENTIALS");
    expect(await codeOf(accounts.signIn("guessed", "guess-three"))).toBe("ACCOUNT_LOCKED");
    expect(await codeOf(accounts.changePassword("guessed", "initial-pass", "new-password-1"))).toBe("ACCOUNT_LOCKED"); // even the right one, while locked

    const reset = await accounts.resetPassword("guessed");
    expect(await codeOf(accounts.signIn("guessed", reset.password))).toBe("PASSWORD_CHANGE_REQUIRED");
    expect(await codeOf(accounts.changePassword("guessed", reset.password, reset.password))).toBe("SAME_PASSWORD");
    expect((await accounts.changePassword("guessed", reset.password, "new-password-1")).id).toBe("guessed");
    expect(await codeOf(accounts.signIn("guessed", "new-password-1"))).toBe("ok");
    expect((await accounts.get("guessed"))?.mustChangePassword).toBe(false);
  });

  it("keeps names unique, generates a password when none is given, and searches literally", async () => {
    const made = await accounts.add(worker("a.b", { displayName: "园岭 [甲] 社工" }));
    expect(made.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await codeOf(accounts.add(worker("a.b")))).toBe("ACCOUNT_EXISTS");
    await accounts.add(worker("axb"));
    expect((await accounts.list({ search: "a.b" }, 0, 50)).accounts.map((a) => a.account)).toEqual(["a.b"]); // "." is a dot, not any character
    expect((await accounts.list({ search: "[甲]" }, 0, 50)).accounts.map((a) => a.account)).toEqual(["a.b"]);
    expect(await codeOf(accounts.add(worker("Upper")))).toBe("BAD_ACCOUNT_NAME");
    expect(await codeOf(accounts.add(worker("short.pw", { password: "1234567" })))).toBe("WEAK_PASSWORD");
  });

  it("filters by subtree, status and role", async () => {
    await accounts.add(worker("luohu.w", { path: ["sz", "sz-luohu", "s", "c"] }));
    await accounts.setStatus("axb", "disabled");
    const names = async (query: Parameters<Accounts["list"]>[0]) => (await accounts.list(query, 0, 50)).accounts.map((a) => a.account);
    expect(await names({ withinOrgs: ["sz-luohu"] })).toEqual(["luohu.w"]);
    expect(await names({ withinOrgs: ["sz-futian"], status: "disabled" })).toEqual(["axb"]);
    expect(await names({ withinOrgs: ["sz-futian"], status: "active" })).toEqual(["a.b", "guessed"]);
    expect(await names({ role: Role.STREET_STAFF })).toEqual([]);
    expect(await codeOf(accounts.signIn("axb", "whatever-wrong"))).toBe("WRONG_CREDENTIALS");
  });
});
