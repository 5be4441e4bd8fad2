import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
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

const issuer = "kepu-gateway";
const audience = "kepu-app";

const unauthenticated = () => kepuError("unauthenticated", "TOKEN_INVALID", "登录已失效，请重新登录", "Your sign-in is invalid or expired; please sign in again");

/**
 * Short access tokens (JWT, HS256 only: `alg: none` and every other algorithm are refused) and
 * long refresh tokens (random, kept in Redis, replaced at every use).
 */
export class Tokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly accessMinutes: number,
    private readonly refreshDays: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(caller: Caller): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
    const accessToken = await new SignJWT({ role: caller.role, org: caller.orgId, name: caller.displayName })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(caller.id)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${this.accessMinutes}m`)
      .sign(this.key);
    const refreshToken = randomBytes(32).toString("base64url");
    await this.redis.set(`${this.prefix}refresh:${refreshToken}`, JSON.stringify(caller), "EX", this.refreshDays * 86_400);
    return { accessToken, refreshToken, expiresIn: this.accessMinutes * 60 };
  }

  async verify(token: string): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer, audience, algorithms: ["HS256"] });
      return { id: String(payload.sub), role: Number(payload.role) as Role, orgId: String(payload.org ?? ""), displayName: String(payload.name ?? "") };
    } catch {
      throw unauthenticated();
    }
  }

  /** A refresh token works once: it is replaced by a new pair (rotation). */
  async refresh(refreshToken: string): Promise<{ accessToken: string; refreshToken: string; expiresIn: number }> {
    const stored = await this.redis.getdel(`${this.prefix}refresh:${refreshToken}`);
    if (!stored) throw unauthenticated();
    return this.issue(JSON.parse(stored) as Caller);
  }
}
