import { create, fromJson, toJson, type DescService, type JsonValue, type MessageInitShape } from "@bufbuild/protobuf";
import { LRUCache } from "lru-cache";
import { ActorSchema, type Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { keyRing, parseSigningJwk, parseVerifyJwks, TokenSigner, TokenVerifier, type Key, type TokenProblem, type TokenRules } from "@kepu/identity";

/**
 * Identity between processes: every call carries a short-lived token, signed with the caller's
 * private Ed25519 key (the gateway, the tools), that the service verifies with the public key.
 * The audience is the API the token is for (the protobuf package, "kepu.dispatch.v1"), so a token
 * for one service is refused by another; the actor the call acts for is a claim of the token.
 */
export const callIssuer = "kepu-gateway";
const rules: Omit<TokenRules, "audience"> = { issuer: callIssuer, type: "kepu-call+jwt", maxAgeSeconds: 300 };
const ttlSeconds = 60;
/** A token is reused for most of its life, so the gateway signs once per actor and minute, not per call. */
const reuseMs = 45_000;

/** The audience of a service's calls: its protobuf package (kepu.registry.v1.RegistryService → kepu.registry.v1). */
export function audienceOf(service: DescService): string {
  return service.typeName.slice(0, service.typeName.lastIndexOf("."));
}

export class CallSigner {
  private readonly signer: TokenSigner;
  private readonly cache = new LRUCache<string, Promise<string>>({ max: 10_000, ttl: reuseMs });

  /** `subject`: who signs (the gateway, a tool), for calls that act for nobody in particular. */
  constructor(
    key: Key,
    private readonly subject: string,
  ) {
    this.signer = new TokenSigner(keyRing(key, []), { ...rules, audience: [] });
  }

  /** From KEPU_CALL_SIGNING_KEY (a private Ed25519 JWK with its kid). */
  static fromJwk(jwk: string | undefined, subject: string): CallSigner {
    const key = parseSigningJwk(jwk ?? "");
    if (!key.ok) {
      throw new Error(`KEPU_CALL_SIGNING_KEY: ${jwk ? key.problem : "not set"} — the private Ed25519 JWK that signs calls to the services / 签署服务调用的私钥未设置或无效 (locally: eval "$(node packages/identity/bin/call-keys.mjs .kepu/keys)", which deploy/local/services.sh runs)`);
    }
    return new CallSigner(key.value, subject);
  }

  token(audience: string, actor: MessageInitShape<typeof ActorSchema> | undefined): Promise<string> {
    const claims = actor ? { act: toJson(ActorSchema, create(ActorSchema, actor)) as Record<string, JsonValue> } : {};
    const cacheKey = `${audience}\n${JSON.stringify(claims)}`;
    let token = this.cache.get(cacheKey);
    if (!token) {
      token = this.signer.sign(claims, { subject: actor?.id || this.subject, ttlSeconds, audience });
      token.catch(() => this.cache.delete(cacheKey));
      this.cache.set(cacheKey, token);
    }
    return token;
  }
}

export type VerifiedCall = { ok: true; actor: Actor | undefined; subject: string } | { ok: false; problem: TokenProblem | "missing" };

export class CallVerifier {
  private readonly verifier: TokenVerifier;
  /** A token the gateway reuses is verified once; an entry lives no longer than the token. */
  private readonly verified = new LRUCache<string, VerifiedCall & { ok: true }>({ max: 10_000, ttl: reuseMs });

  constructor(keys: Key[]) {
    this.verifier = new TokenVerifier(keyRing(undefined, keys), { ...rules, audience: [] });
  }

  /** From KEPU_CALL_VERIFY_KEYS (a JWKS of the public Ed25519 keys, each with its kid). */
  static fromJwks(jwks: string): CallVerifier {
    const keys = parseVerifyJwks(jwks);
    if (!keys.ok) throw new Error(`KEPU_CALL_VERIFY_KEYS: ${keys.problem} — the public keys that verify who calls this service / 验证调用方身份的公钥无效`);
    return new CallVerifier(keys.value);
  }

  async verify(token: string | undefined, audience: string): Promise<VerifiedCall> {
    if (!token) return { ok: false, problem: "missing" };
    const cacheKey = `${audience}\n${token}`;
    const known = this.verified.get(cacheKey);
    if (known) return known;
    const result = await this.verifier.verify(token, audience);
    if (!result.ok) return result;
    let actor: Actor | undefined;
    try {
      actor = result.claims.act === undefined ? undefined : fromJson(ActorSchema, result.claims.act as JsonValue);
    } catch {
      return { ok: false, problem: "claims" };
    }
    const call = { ok: true as const, actor, subject: result.claims.sub };
    this.verified.set(cacheKey, call, { ttl: Math.max(1, Math.min(reuseMs, result.claims.exp * 1000 - Date.now())) });
    return call;
  }
}
