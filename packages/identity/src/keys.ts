import { createHash, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";

/** The two algorithms Kepu signs with: HMAC for the gateway's own user tokens, Ed25519 between processes. */
export type Algorithm = "HS256" | "EdDSA";

/** One key of a key ring, named by its `kid` (the token header says which key signed it). */
export interface Key {
  kid: string;
  alg: Algorithm;
  key: KeyObject;
}

/**
 * Keys that sign and verify one kind of token. The first key signs; every key verifies, so a new
 * key is rotated in by putting it first and the old one stays until the tokens it signed expired.
 * One algorithm per ring: a token whose header names another is refused before any key is tried.
 */
export interface KeyRing {
  alg: Algorithm;
  /** Undefined for a ring that only verifies (a service holds public keys only). */
  signing: Key | undefined;
  verifying: ReadonlyMap<string, Key>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const kidPattern = /^[A-Za-z0-9._-]{1,64}$/;

export function keyRing(signing: Key | undefined, verifying: Key[]): KeyRing {
  const all = signing ? [signing, ...verifying.filter((k) => k.kid !== signing.kid)] : verifying;
  if (all.length === 0) throw new Error("a key ring needs at least one key / 密钥环至少需要一个密钥");
  const alg = all[0]!.alg;
  if (all.some((k) => k.alg !== alg)) throw new Error("every key of a ring uses the same algorithm / 同一密钥环的密钥须使用同一算法");
  return { alg, signing, verifying: new Map(all.map((k) => [k.kid, k])) };
}

/** A stable kid for a secret given without one (JWT_SECRET): the same on every replica and restart. */
export function kidOfSecret(secret: string): string {
  return `s-${createHash("sha256").update(secret).digest("base64url").slice(0, 10)}`;
}

/**
 * HMAC keys from "kid1:secret1,kid2:secret2" (the first signs). Secrets must be ≥ 32 characters.
 */
export function parseHmacKeys(text: string): Parsed<Key[]> {
  const keys: Key[] = [];
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(":");
    const kid = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (colon < 1 || !kidPattern.test(kid)) return { ok: false, problem: `each key is "kid:secret" with a kid of letters, digits, ".", "_" or "-" (got "${entry.slice(0, 8)}…")` };
    if (secret.length < 32) return { ok: false, problem: `the secret of key "${kid}" is shorter than 32 characters` };
    if (keys.some((k) => k.kid === kid)) return { ok: false, problem: `key "${kid}" is given twice` };
    keys.push(hmacKey(kid, secret));
  }
  if (keys.length === 0) return { ok: false, problem: "no key given" };
  return { ok: true, value: keys };
}

export function hmacKey(kid: string, secret: string): Key {
  return { kid, alg: "HS256", key: createSecretKey(Buffer.from(secret, "utf8")) };
}

interface Jwk extends JsonWebKey {
  kid?: string;
}

function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: "not JSON" };
  }
}

function ed25519Key(jwk: Jwk, priv: boolean): Parsed<Key> {
  if (typeof jwk !== "object" || jwk === null) return { ok: false, problem: "a key must be a JSON object (JWK)" };
  if (typeof jwk.kid !== "string" || !kidPattern.test(jwk.kid)) return { ok: false, problem: 'every key needs a "kid" of letters, digits, ".", "_" or "-"' };
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") return { ok: false, problem: `key "${jwk.kid}" is not an Ed25519 key (kty OKP, crv Ed25519)` };
  if (priv && typeof jwk.d !== "string") return { ok: false, problem: `key "${jwk.kid}" is a public key; the signing key must be the private one` };
  const material: JsonWebKey = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ...(priv ? { d: jwk.d } : {}) };
  try {
    const key = priv ? createPrivateKey({ key: material, format: "jwk" }) : createPublicKey({ key: material, format: "jwk" });
    return { ok: true, value: { kid: jwk.kid, alg: "EdDSA", key } };
  } catch (error) {
    return { ok: false, problem: `key "${jwk.kid}" cannot be read: ${(error as Error).message}` };
  }
}

/** The private Ed25519 key that signs, as a JWK with its kid (KEPU_CALL_SIGNING_KEY). */
export function parseSigningJwk(text: string): Parsed<Key> {
  const json = parseJson(text);
  return json.ok ? ed25519Key(json.value as Jwk, true) : json;
}

/** The public Ed25519 keys that verify, as a JWKS `{"keys":[…]}` (KEPU_CALL_VERIFY_KEYS). */
export function parseVerifyJwks(text: string): Parsed<Key[]> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const keys = (json.value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return { ok: false, problem: 'expected a JWKS: {"keys":[{"kid":…,"kty":"OKP","crv":"Ed25519","x":…}]}' };
  const parsed: Key[] = [];
  for (const jwk of keys as Jwk[]) {
    const key = ed25519Key(jwk, false);
    if (!key.ok) return key;
    parsed.push(key.value);
  }
  return { ok: true, value: parsed };
}

/** A new Ed25519 key pair: the private JWK (for who signs) and the JWKS of its public half (for who verifies). */
export function generateEd25519Keys(kid: string): { signingJwk: string; verifyJwks: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const priv = privateKey.export({ format: "jwk" });
  const pub = publicKey.export({ format: "jwk" });
  return {
    signingJwk: JSON.stringify({ ...priv, kid, alg: "EdDSA", use: "sig" }),
    verifyJwks: JSON.stringify({ keys: [{ ...pub, kid, alg: "EdDSA", use: "sig" }] }),
  };
}
