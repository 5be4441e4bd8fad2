import { createHash, randomBytes, randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Collection, Db, Document } from "mongodb";
import type { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
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
 * Staff accounts: account name + password (argon2id), each with a role and the org it acts for.
 * Sign-in costs the same whether or not the account exists (an unknown account is verified
 * against a dummy hash), and locks an account — known or not, so the lock tells nothing — after
 * repeated failures.
 */
export class Accounts {
  private readonly accounts: Collection<Document>;
  private readonly redis: RedisWithReserve;
  /** Made once at start with the same parameters as every account's hash. */
  private readonly dummyHash: Promise<string>;

  constructor(
    db: Db,
    redis: Redis,
    private readonly prefix: string,
    private readonly lock: SignInLock,
  ) {
    this.accounts = db.collection("accounts");
    if (!("kepuReserveSignIn" in redis)) redis.defineCommand("kepuReserveSignIn", { numberOfKeys: 2, lua: reserveAttempt });
    this.redis = redis as RedisWithReserve;
    this.dummyHash = hash(randomBytes(32).toString("base64url"));
  }

  async create(account: string, password: string, caller: Omit<Caller, "id">): Promise<void> {
    await this.accounts.updateOne(
      { _id: account as never },
      { $setOnInsert: { passwordHash: await hash(password), role: caller.role, orgId: caller.orgId, displayName: caller.displayName } },
      { upsert: true },
    );
  }

  async signIn(account: string, password: string): Promise<Caller> {
    const lockKey = `${this.prefix}signin-lock:${account}`;
    const failuresKey = `${this.prefix}signin-failures:${account}`;
    const attempt = await this.redis.kepuReserveSignIn(lockKey, failuresKey, this.lock.windowSeconds);
    if (attempt < 0) throw accountLocked(-attempt);
    if (attempt > this.lock.maxFailures) throw await this.lockOut(lockKey, failuresKey); // a burst beyond the cap

    const doc = await this.accounts.findOne({ _id: account as never });
    const valid = await verify(doc ? String(doc.passwordHash) : await this.dummyHash, password);
    if (!doc || !valid) throw attempt === this.lock.maxFailures ? await this.lockOut(lockKey, failuresKey) : wrongCredentials();
    await this.redis.del(failuresKey);
    return { id: account, role: doc.role, orgId: doc.orgId, displayName: doc.displayName };
  }

  /** Locks the account (unless a parallel attempt just did) and says for how long. */
  private async lockOut(lockKey: string, failuresKey: string) {
    const results = await this.redis.multi().set(lockKey, "1", "EX", this.lock.lockSeconds, "NX").del(failuresKey).pttl(lockKey).exec();
    const remaining = Number(results?.[2]?.[1] ?? 0);
    return accountLocked(remaining > 0 ? remaining : this.lock.lockSeconds * 1000);
  }
}

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
    const id = `resident-${createHash("sha256").update(phone).digest("hex").slice(0, 16)}`;
    return { id, role: Role.RESIDENT, orgId: communityId, displayName: displayName || "居民" };
  }
}
