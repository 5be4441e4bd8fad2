import { randomBytes } from "node:crypto";
import { hmacKey, keyRing, kidOfSecret, parseHmacKeys, TokenSigner, TokenVerifier, type KeyRing, type TokenRules } from "@kepu/identity";
import type { Redis } from "ioredis";
import type { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";

/** Who is calling, as the gateway passes it to every service. */
export interface Caller {
  id: string;
  role: Role;
  orgId: string;
  displayName: string;
}

const rules: TokenRules = { issuer: "kepu-gateway", audience: "kepu-app", type: "kepu-access+jwt" };

/** The access-token keys: JWT_KEYS ("kid:secret,…", the first signs), else JWT_SECRET as the one key. */
export function accessKeyRing(jwtKeys: string, jwtSecret: string): KeyRing {
  if (!jwtKeys) return keyRing(hmacKey(kidOfSecret(jwtSecret), jwtSecret), []);
  const keys = parseHmacKeys(jwtKeys);
  if (!keys.ok) throw new Error(`JWT_KEYS: ${keys.problem}`);
  const [first, ...rest] = keys.value;
  return keyRing(first, rest);
}

const unauthenticated = () => kepuError("unauthenticated", "TOKEN_INVALID", "登录已失效，请重新登录", "Your sign-in is invalid or expired; please sign in again");

/**
 * Short access tokens (JWT, HS256 only: `alg: none` and every other algorithm are refused; exp,
 * issuer, audience, type and a known kid required; 30 s clock skew) and long refresh tokens
 * (random, kept in Redis, replaced at every use — never a JWT, so never taken for an access token).
 */
export class Tokens {
  private readonly signer: TokenSigner;
  private readonly verifier: TokenVerifier;

  constructor(
    keys: KeyRing,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly accessMinutes: number,
    private readonly refreshDays: number,
  ) {
    this.signer = new TokenSigner(keys, rules);
    this.verifier = new TokenVerifier(keys, rules);
  }

  async issue(caller: Caller): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
    const accessToken = await this.signer.sign({ role: caller.role, org: caller.orgId, name: caller.displayName }, { subject: caller.id, ttlSeconds: this.accessMinutes * 60 });
    const refreshToken = randomBytes(32).toString("base64url");
    await this.redis.set(`${this.prefix}refresh:${refreshToken}`, JSON.stringify(caller), "EX", this.refreshDays * 86_400);
    return { accessToken, refreshToken, expiresIn: this.accessMinutes * 60 };
  }

  async verify(token: string): Promise<Caller> {
    const verified = await this.verifier.verify(token);
    if (!verified.ok) throw unauthenticated();
    const { sub, role, org, name } = verified.claims;
    return { id: sub, role: Number(role) as Role, orgId: String(org ?? ""), displayName: String(name ?? "") };
  }

  /** A refresh token works once: it is replaced by a new pair (rotation). */
  async refresh(refreshToken: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
    const stored = await this.redis.getdel(`${this.prefix}refresh:${refreshToken}`);
    if (!stored) throw unauthenticated();
    return this.issue(JSON.parse(stored) as Caller);
  }
}
