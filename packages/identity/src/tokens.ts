import { errors, jwtVerify, SignJWT, type JWTPayload, type ProtectedHeaderParameters } from "jose";
import type { KeyRing } from "./keys.js";

/** What a kind of token must say about itself to be accepted. */
export interface TokenRules {
  issuer: string;
  /** The audience a verifier accepts (one of them); a signer's default audience. */
  audience: string | string[];
  /** The `typ` header, so that one kind of token is never taken for another. */
  type: string;
  /** Leeway for clocks that disagree, on exp, nbf and iat. */
  clockToleranceSeconds?: number;
  /** Refuse tokens issued longer ago than this (requires iat). */
  maxAgeSeconds?: number;
}

/** Why a token was refused (for logs and tests; the caller only ever hears "invalid"). */
export type TokenProblem =
  | "malformed"
  | "algorithm" // none, or another algorithm than the ring's
  | "unknown-key" // no kid, or a kid the ring does not hold
  | "signature" // wrong key or tampered
  | "expired"
  | "missing-exp"
  | "issuer"
  | "audience"
  | "type"
  | "claims"; // another claim is missing or wrong (sub, iat, nbf, too old)

export type Claims = JWTPayload & { sub: string; exp: number; iat: number };

export type Verified = { ok: true; claims: Claims } | { ok: false; problem: TokenProblem };

export const defaultClockToleranceSeconds = 30;

/** Signs tokens with the ring's first key; every token has iss, aud, sub, iat, exp and kid. */
export class TokenSigner {
  constructor(
    private readonly ring: KeyRing,
    private readonly rules: Pick<TokenRules, "issuer" | "audience" | "type">,
  ) {
    if (!ring.signing) throw new Error("this key ring has no signing key / 该密钥环没有签名密钥");
  }

  sign(claims: JWTPayload, options: { subject: string; ttlSeconds: number; audience?: string | string[] }): Promise<string> {
    const key = this.ring.signing!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: this.rules.type })
      .setIssuer(this.rules.issuer)
      .setAudience(options.audience ?? this.rules.audience)
      .setSubject(options.subject)
      .setIssuedAt(now)
      .setExpirationTime(now + options.ttlSeconds)
      .sign(key.key);
  }
}

/**
 * Verifies tokens against a key ring: the algorithm pinned to the ring's, the key chosen by kid
 * (a token without one, or naming a key the ring does not hold, is refused), the signature, the
 * type, issuer and audience, and an expiry that must be there — with a small clock skew.
 */
export class TokenVerifier {
  constructor(
    private readonly ring: KeyRing,
    private readonly rules: TokenRules,
  ) {}

  async verify(token: string, audience: string | string[] = this.rules.audience): Promise<Verified> {
    const { ring, rules } = this;
    const keyFor = (header: ProtectedHeaderParameters) => {
      const key = header.kid === undefined ? undefined : ring.verifying.get(header.kid);
      if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
      return key.key;
    };
    try {
      const { payload } = await jwtVerify(token, keyFor, {
        algorithms: [ring.alg],
        issuer: rules.issuer,
        audience,
        typ: rules.type,
        clockTolerance: rules.clockToleranceSeconds ?? defaultClockToleranceSeconds,
        requiredClaims: ["exp", "sub", "iat"],
        ...(rules.maxAgeSeconds !== undefined ? { maxTokenAge: rules.maxAgeSeconds } : {}),
      });
      return { ok: true, claims: payload as Claims };
    } catch (error) {
      return { ok: false, problem: problemOf(error) };
    }
  }
}

function problemOf(error: unknown): TokenProblem {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return "algorithm";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown-key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "exp") return "missing-exp";
    if (error.claim === "iss") return "issuer";
    if (error.claim === "aud") return "audience";
    if (error.claim === "typ") return "type";
    return "claims";
  }
  return "malformed";
}
