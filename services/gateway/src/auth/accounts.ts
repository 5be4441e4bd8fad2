import { createHash, randomInt } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Collection, Db, Document } from "mongodb";
import type { Redis } from "ioredis";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import type { Caller } from "./tokens.js";

const wrongCredentials = () => kepuError("unauthenticated", "WRONG_CREDENTIALS", "账号或密码错误", "Wrong account or password");

/** Staff accounts: account name + password (argon2id), each with a role and the org it acts for. */
export class Accounts {
  private readonly accounts: Collection<Document>;

  constructor(db: Db) {
    this.accounts = db.collection("accounts");
  }

  async create(account: string, password: string, caller: Omit<Caller, "id">): Promise<void> {
    await this.accounts.updateOne(
      { _id: account as never },
      { $setOnInsert: { passwordHash: await hash(password), role: caller.role, orgId: caller.orgId, displayName: caller.displayName } },
      { upsert: true },
    );
  }

  async signIn(account: string, password: string): Promise<Caller> {
    const doc = await this.accounts.findOne({ _id: account as never });
    if (!doc || !(await verify(String(doc.passwordHash), password))) throw wrongCredentials();
    return { id: account, role: doc.role, orgId: doc.orgId, displayName: doc.displayName };
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

const phonePattern = /^1[3-9]\d{9}$/;

/** Residents sign in with their phone and a one-time code; their id never reveals the number. */
export class ResidentCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly sender: CodeSender,
  ) {}

  async request(phone: string): Promise<void> {
    if (!phonePattern.test(phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "phone");
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await this.redis.set(`${this.prefix}otp:${phone}`, code, "EX", 300);
    await this.sender.send(phone, code);
  }

  async signIn(phone: string, code: string, communityId: string, displayName: string): Promise<Caller> {
    const key = `${this.prefix}otp:${phone}`;
    const expected = await this.redis.get(key);
    if (!expected || expected !== code) throw kepuError("unauthenticated", "WRONG_CODE", "验证码错误或已过期", "The code is wrong or has expired", "code");
    await this.redis.del(key);
    const id = `resident-${createHash("sha256").update(phone).digest("hex").slice(0, 16)}`;
    return { id, role: Role.RESIDENT, orgId: communityId, displayName: displayName || "居民" };
  }
}
