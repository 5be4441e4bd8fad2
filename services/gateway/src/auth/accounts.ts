import { createHash, randomBytes, randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Collection, Db, Document, Filter } from "mongodb";
import type { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import { saveAggregate, type OutboxEntry } from "@kepu/outbox";
import { accountEntry, accountEnvelope, defaultAccountEvents, platformCause, type AccountChange, type AccountEvents, type ChangeCause } from "./account-events.js";
import type { Caller } from "./tokens.js";

const wrongCredentials = () => kepuError("unauthenticated", "WRONG_CREDENTIALS", "账号或密码错误", "Wrong account or password");

/** "3 分钟" / "3 minutes" (seconds below a minute), for messages that say when to retry. */
function retryIn(ms: number): { zh: string; en: string } {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return { zh: `${seconds} 秒`, en: `${seconds} second${seconds === 1 ? "" : "s"}` };
  const minutes = Math.ceil(seconds / 60);
  return { zh: `${minutes} 分钟`, en: `${minutes} minute${minutes === 1 ? "" : "s"}` };
}
const accountLocked = (ms: number) => {
  const after = retryIn(ms);
  return kepuError("rate_limited", "ACCOUNT_LOCKED", `登录失败次数过多，账号已暂时锁定，请 ${after.zh}后再试`, `Too many failed sign-ins: the account is locked; try again in ${after.en}`, "account");
};

/** After `maxFailures` failed sign-ins to one account within `windowSeconds`, it is locked for `lockSeconds`. */
export interface SignInLock {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * One round trip before the password is checked: either the lock's remaining ms (as a negative
 * number) or this attempt's number in the window. Counting the attempt before verifying it caps
 * the guesses a burst of parallel requests gets; while locked, nothing is counted.
 */
const reserveAttempt = `
local locked = redis.call('PTTL', KEYS[1])
if locked > 0 then return -locked end
local attempt = redis.call('INCR', KEYS[2])
if attempt == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
return attempt`;

type RedisWithReserve = Redis & { kepuReserveSignIn(lockKey: string, failuresKey: string, windowSeconds: number): Promise<number> };

/**
 * A staff account as the gateway keeps it (collection `accounts`, keyed by the account name). It
 * is an aggregate: every change bumps `version` and stores its event in the same document's
 * outbox (@kepu/outbox), which the gateway's relay publishes to kepu.registry.v1.
 */
export interface AccountDoc {
  _id: string;
  /** The last event's aggregate version (1 for an account kept before accounts had events: see `prepare`). */
  version?: number;
  outbox?: OutboxEntry[];
  outboxCount?: number;
  passwordHash: string;
  role: Role;
  /** The org it acts for (a team's id for team roles). */
  orgId: string;
  displayName: string;
  /** Where that org sits: the root down to it (a team's org, then the team). Empty for DEMO_ACCOUNTS=1 ones, made before the registry answers. */
  path?: string[];
  status?: AccountStatus;
  /** The version of the org's last OrganizationMoved that set `path` (none: the path it was made with). */
  orgVersion?: number;
  /** Set for an initial or reset password: sign-in is refused until the owner changes it. */
  mustChangePassword?: boolean;
  createdAt?: Date;
  createdBy?: string;
  updatedAt?: Date;
}
export type AccountStatus = "active" | "disabled";

/** What the API shows of an account: never its hash. */
export interface AccountView {
  account: string;
  displayName: string;
  role: Role;
  orgId: string;
  path: string[];
  status: AccountStatus;
  mustChangePassword: boolean;
  createdAt: Date | undefined;
  createdBy: string;
}
const viewOf = (doc: AccountDoc): AccountView => ({
  account: doc._id,
  displayName: doc.displayName,
  role: doc.role,
  orgId: doc.orgId,
  path: doc.path ?? [],
  status: doc.status ?? "active",
  mustChangePassword: doc.mustChangePassword ?? false,
  createdAt: doc.createdAt,
  createdBy: doc.createdBy ?? "",
});

export interface NewAccount {
  account: string;
  displayName: string;
  role: Role;
  orgId: string;
  path: string[];
  /** Given, or generated (and answered once). */
  password?: string | undefined;
  mustChangePassword: boolean;
  createdBy: string;
}

/** Filters of a listing; `scope` is the access model's (`listScope`) turned into a subtree. */
export interface AccountQuery {
  search?: string | undefined;
  orgId?: string | undefined;
  role?: Role | undefined;
  status?: AccountStatus | undefined;
  /** Only accounts whose path holds one of these orgs (undefined: every account). */
  withinOrgs?: string[] | undefined;
}

export const accountErrors = {
  exists: () => kepuError("conflict", "ACCOUNT_EXISTS", "该账号名已被使用", "That account name is taken", "account"),
  notFound: () => kepuError("not_found", "ACCOUNT_NOT_FOUND", "账号不存在", "No such account", "account"),
  disabled: () => kepuError("forbidden", "ACCOUNT_DISABLED", "账号已停用，请联系管理员", "This account is disabled; ask an administrator"),
  mustChange: () => kepuError("forbidden", "PASSWORD_CHANGE_REQUIRED", "请先修改初始密码（POST /api/v1/auth/change-password）", "Change your initial password first (POST /api/v1/auth/change-password)"),
  badName: () => kepuError("invalid", "BAD_ACCOUNT_NAME", "账号名为 3–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头", "An account name is 3–32 lowercase letters, digits, dots, underscores or hyphens, starting with a letter or digit", "account"),
  weakPassword: (field: string) => kepuError("invalid", "WEAK_PASSWORD", "密码至少 8 位，且不能与账号名相同", "A password has at least 8 characters and is not the account name", field),
  samePassword: () => kepuError("invalid", "SAME_PASSWORD", "新密码不能与当前密码相同", "The new password must differ from the current one", "newPassword"),
  busy: () => kepuError("conflict", "ACCOUNT_BUSY", "该账号正被同时修改，请稍后重试", "The account is being changed at the same time; please retry", "account"),
};

const accountNamePattern = /^[a-z0-9][a-z0-9._-]{2,31}$/;
/** Names the platform uses for its own actors or for residents' ids: never an account. */
const reservedName = /^(resident-|system$|gateway$|demo-seed$)/;
export function requireAccountName(name: string): string {
  if (!accountNamePattern.test(name) || reservedName.test(name)) throw accountErrors.badName();
  return name;
}
export function requirePassword(password: string, account: string, field: string): string {
  if ([...password].length < 8 || password === account) throw accountErrors.weakPassword(field);
  return password;
}
/** 16 characters from 12 random bytes: shown once, changed at the first sign-in. */
export const generatePassword = () => randomBytes(12).toString("base64url");
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Staff accounts: account name + password (argon2id), each with a role and the org it acts for.
 * Sign-in costs the same whether or not the account exists (an unknown account is verified
 * against a dummy hash), and locks an account — known or not, so the lock tells nothing — after
 * repeated failures. A disabled account, or one whose password is initial or reset, is told so
 * only once its password was right.
 */
export class Accounts {
  private readonly accounts: Collection<AccountDoc>;
  private readonly redis: RedisWithReserve;
  /** Made once at start with the same parameters as every account's hash. */
  private readonly dummyHash: Promise<string>;

  constructor(
    db: Db,
    redis: Redis,
    private readonly prefix: string,
    private readonly lock: SignInLock,
    private readonly events: AccountEvents = defaultAccountEvents,
  ) {
    this.accounts = db.collection<AccountDoc>("accounts");
    if (!("kepuReserveSignIn" in redis)) redis.defineCommand("kepuReserveSignIn", { numberOfKeys: 2, lua: reserveAttempt });
    this.redis = redis as RedisWithReserve;
    this.dummyHash = hash(randomBytes(32).toString("base64url"));
  }

  /** The collection the relay publishes the accounts' events from. */
  get collection(): Collection<Document> {
    return this.accounts as unknown as Collection<Document>;
  }

  /**
   * Accounts kept before accounts had events get version 1 (as if created by an event that was
   * never published), so their next change can be guarded and numbered. Once at start.
   */
  async prepare(): Promise<void> {
    await this.accounts.updateMany({ version: { $exists: false } }, { $set: { version: 1 } });
  }

  /** The demo accounts (DEMO_ACCOUNTS=1): made once, never changed by a restart; the event only with the insert. */
  async create(account: string, password: string, caller: Omit<Caller, "id">): Promise<void> {
    const created: AccountChange = { type: "created", account, role: caller.role, orgId: caller.orgId, displayName: caller.displayName, createdBy: "demo-accounts", path: [], mustChangePassword: false };
    const entry = accountEntry(this.events.topic, created, 1, platformCause("demo-accounts"));
    const result = await this.accounts.updateOne(
      { _id: account },
      { $setOnInsert: { passwordHash: await hash(password), role: caller.role, orgId: caller.orgId, displayName: caller.displayName, status: "active", mustChangePassword: false, version: 1, outbox: [entry], outboxCount: 1 } },
      { upsert: true },
    );
    if (result.upsertedCount > 0) this.events.relay?.kick(this.collection, account);
  }

  /** A new account; its password is answered once (the given one, or a generated one). StaffAccountCreated with it. */
  async add(input: NewAccount, cause: ChangeCause = platformCause(input.createdBy)): Promise<{ account: AccountView; password: string }> {
    requireAccountName(input.account);
    const password = input.password ?? generatePassword();
    requirePassword(password, input.account, "initialPassword");
    const now = new Date();
    const doc: AccountDoc = {
      _id: input.account,
      passwordHash: await hash(password),
      role: input.role,
      orgId: input.orgId,
      displayName: input.displayName,
      path: input.path,
      status: "active",
      mustChangePassword: input.mustChangePassword,
      createdAt: now,
      createdBy: input.createdBy,
      updatedAt: now,
    };
    const { _id, ...state } = doc;
    const created: AccountChange = { type: "created", account: _id, role: input.role, orgId: input.orgId, displayName: input.displayName, createdBy: input.createdBy, path: input.path, mustChangePassword: input.mustChangePassword };
    const saved = await saveAggregate(this.collection, { id: _id, expectedVersion: 0, version: 1, state, topic: this.events.topic, events: [accountEnvelope(created, 1, cause)] });
    if (saved === "conflict") throw accountErrors.exists();
    this.events.relay?.kick(this.collection, _id);
    return { account: viewOf({ ...doc, version: 1 }), password };
  }

  async get(account: string): Promise<AccountView | undefined> {
    const doc = await this.accounts.findOne({ _id: account });
    return doc ? viewOf(doc) : undefined;
  }

  async adminExists(): Promise<boolean> {
    return (await this.accounts.countDocuments({ role: Role.ADMIN }, { limit: 1 })) > 0;
  }

  /** One page, by account name, with the total that matched. */
  async list(query: AccountQuery, page: number, pageSize: number): Promise<{ accounts: AccountView[]; total: number }> {
    const and: Filter<AccountDoc>[] = [];
    if (query.withinOrgs) and.push({ path: { $in: query.withinOrgs } });
    if (query.orgId) and.push({ path: query.orgId });
    if (query.role !== undefined) and.push({ role: query.role });
    if (query.status === "disabled") and.push({ status: "disabled" });
    if (query.status === "active") and.push({ status: { $ne: "disabled" } });
    if (query.search) {
      const pattern = { $regex: escapeRegex(query.search), $options: "i" };
      and.push({ $or: [{ _id: pattern }, { displayName: pattern }] });
    }
    const filter: Filter<AccountDoc> = and.length ? { $and: and } : {};
    const [docs, total] = await Promise.all([
      this.accounts.find(filter).sort({ _id: 1 }).skip(page * pageSize).limit(pageSize).toArray(),
      this.accounts.countDocuments(filter),
    ]);
    return { accounts: docs.map(viewOf), total };
  }

  /**
   * OrganizationMoved: the accounts acting for the org take its new place, so its new street's
   * and district's staff keep them and the old ones no longer do. Only an org with nothing under
   * it moves (the registry refuses others), so no account below it needs a new path. The path is
   * where the registry has the org, not a change anyone made to the account: no account event. An
   * older or repeated move changes nothing. Returns how many accounts moved.
   */
  async orgMoved(orgId: string, path: string[], version: number): Promise<number> {
    const older = { $or: [{ orgVersion: { $exists: false } }, { orgVersion: { $lt: version } }] };
    const result = await this.accounts.updateMany({ $and: [{ orgId }, older] }, { $set: { path, orgVersion: version } });
    return result.modifiedCount;
  }

  /**
   * Disabling also ends the account's sessions: no refresh token of it works again. Setting the
   * status it has already is no change and no event.
   */
  async setStatus(account: string, status: AccountStatus, cause: ChangeCause = platformCause("gateway")): Promise<AccountView> {
    const doc = await this.change(account, cause, (before) =>
      (before.status ?? "active") === status ? undefined : { set: { status }, event: { type: status === "disabled" ? "disabled" : "enabled", account } },
    );
    if (status === "disabled") await this.endSessions(account);
    return viewOf(doc);
  }

  /**
   * One change of an existing account: `decide` says what to set and the event it is (or nothing),
   * from the account as read; the state and the event are written together, guarded by the
   * version read (a parallel change makes it read and decide again).
   */
  private async change(account: string, cause: ChangeCause, decide: (before: AccountDoc) => { set: Partial<AccountDoc>; event: AccountChange } | undefined): Promise<AccountDoc> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.accounts.findOne({ _id: account }, { projection: { outbox: 0 } });
      if (!before) throw accountErrors.notFound();
      const decided = decide(before);
      if (!decided) return before;
      const expected = before.version ?? 1;
      const state = { ...decided.set, updatedAt: new Date() };
      const events = [accountEnvelope(decided.event, expected + 1, cause)];
      const result = await saveAggregate(this.collection, { id: account, expectedVersion: expected, version: expected + 1, state, topic: this.events.topic, events });
      if (result === "saved") {
        this.events.relay?.kick(this.collection, account);
        return { ...before, ...state, version: expected + 1 };
      }
    }
    throw accountErrors.busy();
  }

  /**
   * Deletes the account's refresh tokens (Tokens keeps each as <prefix>refresh:<token>, holding the
   * caller). A scan: disabling and resetting are rare. Access tokens already out end by themselves
   * within ACCESS_TOKEN_MINUTES.
   */
  private async endSessions(account: string): Promise<void> {
    for await (const keys of this.redis.scanStream({ match: `${this.prefix}refresh:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length === 0) continue;
      const callers = await this.redis.mget(keys);
      const mine = keys.filter((_, i) => (JSON.parse(callers[i] ?? "{}") as { id?: string }).id === account);
      if (mine.length) await this.redis.del(mine);
    }
  }

  /** A new generated password, answered once; the owner must change it at the next sign-in. Ends its sessions. */
  async resetPassword(account: string, cause: ChangeCause = platformCause("gateway")): Promise<{ account: AccountView; password: string }> {
    const password = generatePassword();
    const passwordHash = await hash(password);
    const doc = await this.change(account, cause, () => ({ set: { passwordHash, mustChangePassword: true }, event: { type: "passwordReset", account } }));
    await this.redis.del(`${this.prefix}signin-lock:${account}`, `${this.prefix}signin-failures:${account}`);
    await this.endSessions(account); // a reset is often for a password that got out
    return { account: viewOf(doc), password };
  }

  async signIn(account: string, password: string): Promise<Caller> {
    const doc = await this.verified(account, password);
    if (doc.mustChangePassword) throw accountErrors.mustChange();
    return callerOf(doc);
  }

  /**
   * The owner's own change: the current password proves who asks (counted by the same lock as a
   * sign-in), so it works before the first sign-in too. Answers the signed-in caller.
   */
  async changePassword(account: string, current: string, next: string, correlationId?: string): Promise<Caller> {
    const doc = await this.verified(account, current);
    requirePassword(next, account, "newPassword");
    if (next === current) throw accountErrors.samePassword();
    const passwordHash = await hash(next);
    const owner = callerOf(doc);
    await this.change(account, { actor: owner, correlationId }, () => ({ set: { passwordHash, mustChangePassword: false }, event: { type: "passwordChanged", account } }));
    return owner;
  }

  /** The account whose password this is, active; or why not (wrong, locked, disabled). */
  private async verified(account: string, password: string): Promise<AccountDoc> {
    const lockKey = `${this.prefix}signin-lock:${account}`;
    const failuresKey = `${this.prefix}signin-failures:${account}`;
    const attempt = await this.redis.kepuReserveSignIn(lockKey, failuresKey, this.lock.windowSeconds);
    if (attempt < 0) throw accountLocked(-attempt);
    if (attempt > this.lock.maxFailures) throw await this.lockOut(lockKey, failuresKey); // a burst beyond the cap

    const doc = await this.accounts.findOne({ _id: account });
    const valid = await verify(doc ? doc.passwordHash : await this.dummyHash, password);
    if (!doc || !valid) throw attempt === this.lock.maxFailures ? await this.lockOut(lockKey, failuresKey) : wrongCredentials();
    await this.redis.del(failuresKey);
    if (doc.status === "disabled") throw accountErrors.disabled();
    return doc;
  }

  /** Locks the account (unless a parallel attempt just did) and says for how long. */
  private async lockOut(lockKey: string, failuresKey: string) {
    const results = await this.redis.multi().set(lockKey, "1", "EX", this.lock.lockSeconds, "NX").del(failuresKey).pttl(lockKey).exec();
    const remaining = Number(results?.[2]?.[1] ?? 0);
    return accountLocked(remaining > 0 ? remaining : this.lock.lockSeconds * 1000);
  }
}
const callerOf = (doc: AccountDoc): Caller => ({ id: doc._id, role: doc.role, orgId: doc.orgId, displayName: doc.displayName });

/** Where one-time codes go: SMS in production, somewhere tests and developers can read locally. */
export interface CodeSender {
  send(phone: string, code: string): Promise<void>;
}

/** Writes codes to Redis (key <prefix>otp-outbox:<phone>) instead of sending them. Never in production. */
export class LocalCodeSender implements CodeSender {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    nodeEnv: string,
  ) {
    if (nodeEnv === "production") throw new Error("The local code sender cannot run in production: configure an SMS sender.");
  }

  async send(phone: string, code: string): Promise<void> {
    await this.redis.set(`${this.prefix}otp-outbox:${phone}`, code, "EX", 600);
  }
}

/**
 * Sends codes through an SMS provider's HTTP endpoint (or the operator's own relay to one):
 * POST {phone, text} as JSON with a bearer token. What the resident reads is written here, in
 * Chinese, with the platform's signature as SMS rules require.
 */
export class HttpSmsCodeSender implements CodeSender {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async send(phone: string, code: string): Promise<void> {
    const text = `【科普服务平台】您的登录验证码是 ${code}，5 分钟内有效。请勿告诉他人。`;
    const answer = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ phone, text }),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch(() => undefined);
    if (!answer?.ok) throw kepuError("unavailable", "SMS_UNAVAILABLE", "短信暂时发不出去，请稍后再试", "The text message could not be sent; please try again shortly");
  }
}

const phonePattern = /^1[3-9]\d{9}$/;
/** A code can be asked for once a minute per phone, and tried 5 times before it is void. */
const resendAfterSeconds = 60;
const maxWrongTries = 5;

/** A resident's id, from her phone (the same at every sign-in, and for an order placed for her by phone: 代点单); it never reveals the number. */
export const residentIdOf = (phone: string): string => `resident-${createHash("sha256").update(phone).digest("hex").slice(0, 16)}`;

/** Residents sign in with their phone and a one-time code; their id never reveals the number. */
export class ResidentCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sender: CodeSender,
  ) {}

  async request(phone: string): Promise<void> {
    if (!phonePattern.test(phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "phone");
    const fresh = await this.redis.set(`${this.prefix}otp-sent:${phone}`, "1", "EX", resendAfterSeconds, "NX");
    if (fresh !== "OK") throw kepuError("rate_limited", "CODE_TOO_SOON", "验证码已发送，请 1 分钟后再试", "A code was just sent; try again in a minute", "phone");
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await this.redis.multi().set(`${this.prefix}otp:${phone}`, code, "EX", 300).del(`${this.prefix}otp-tries:${phone}`).exec();
    await this.sender.send(phone, code);
  }

  async signIn(phone: string, code: string, communityId: string, displayName: string): Promise<Caller> {
    const key = `${this.prefix}otp:${phone}`;
    const expected = await this.redis.get(key);
    if (!expected || expected !== code) {
      // Guessing is capped: after 5 wrong tries the code is void and a new one must be asked for.
      const tries = await this.redis.incr(`${this.prefix}otp-tries:${phone}`);
      await this.redis.expire(`${this.prefix}otp-tries:${phone}`, 300);
      if (tries >= maxWrongTries) await this.redis.del(key);
      throw kepuError("unauthenticated", "WRONG_CODE", "验证码错误或已过期", "The code is wrong or has expired", "code");
    }
    await this.redis.del(key, `${this.prefix}otp-tries:${phone}`);
    return { id: residentIdOf(phone), role: Role.RESIDENT, orgId: communityId, displayName: displayName || "居民" };
  }
}
