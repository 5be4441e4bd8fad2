import { describe, expect, it } from "vitest";
import { SignJWT, base64url, decodeProtectedHeader } from "jose";
import { generateEd25519Keys, hmacKey, keyRing, kidOfSecret, parseHmacKeys, parseSigningJwk, parseVerifyJwks, TokenSigner, TokenVerifier, type TokenRules } from "../src/index.js";

const rules: TokenRules = { issuer: "kepu-gateway", audience: "kepu-app", type: "kepu-access+jwt" };
const secret = "a-test-secret-that-is-long-enough-0123456789";
const ring = keyRing(hmacKey("k1", secret), []);
const signer = new TokenSigner(ring, rules);
const verifier = new TokenVerifier(ring, rules);
const now = () => Math.floor(Date.now() / 1000);
const bytes = (text: string) => new TextEncoder().encode(text);

/** A token built by hand, as a forger would: any header, any claims, any key. */
function forge(header: Record<string, unknown>, claims: Record<string, unknown>, key: Uint8Array | Parameters<SignJWT["sign"]>[0] = bytes(secret)) {
  return new SignJWT(claims).setProtectedHeader(header as never).sign(key);
}
const goodClaims = () => ({ iss: "kepu-gateway", aud: "kepu-app", sub: "u-1", role: 2, iat: now(), exp: now() + 600 });
const goodHeader = { alg: "HS256", kid: "k1", typ: "kepu-access+jwt" };

describe("identity tokens (HS256 key ring)", () => {
  it("accepts what it signed and reads the claims back", async () => {
    const token = await signer.sign({ role: 2 }, { subject: "u-1", ttlSeconds: 60 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", kid: "k1", typ: "kepu-access+jwt" });
    const verified = await verifier.verify(token);
    expect(verified).toMatchObject({ ok: true, claims: { sub: "u-1", role: 2, iss: "kepu-gateway", aud: "kepu-app" } });
    // …and a token forged by hand the same way is accepted too, so every refusal below is for its one defect.
    expect((await verifier.verify(await forge(goodHeader, goodClaims()))).ok).toBe(true);
  });

  it('refuses alg "none"', async () => {
    const unsigned = `${base64url.encode(JSON.stringify({ alg: "none", kid: "k1", typ: "kepu-access+jwt" }))}.${base64url.encode(JSON.stringify(goodClaims()))}.`;
    expect(await verifier.verify(unsigned)).toEqual({ ok: false, problem: "algorithm" });
  });

  it("refuses other algorithms, even signed with the right secret", async () => {
    expect(await verifier.verify(await forge({ ...goodHeader, alg: "HS512" }, goodClaims()))).toEqual({ ok: false, problem: "algorithm" });
    expect(await verifier.verify(await forge({ ...goodHeader, alg: "HS384" }, goodClaims()))).toEqual({ ok: false, problem: "algorithm" });
  });

  it("refuses a wrong key, an unknown kid and a missing kid", async () => {
    expect(await verifier.verify(await forge(goodHeader, goodClaims(), bytes("another-secret-that-is-long-enough-9876543210")))).toEqual({ ok: false, problem: "signature" });
    expect(await verifier.verify(await forge({ ...goodHeader, kid: "k9" }, goodClaims()))).toEqual({ ok: false, problem: "unknown-key" });
    expect(await verifier.verify(await forge({ alg: "HS256", typ: "kepu-access+jwt" }, goodClaims()))).toEqual({ ok: false, problem: "unknown-key" });
  });

  it("refuses a token without exp, an expired one, and accepts a small clock skew", async () => {
    const { exp: _exp, ...noExp } = goodClaims();
    expect(await verifier.verify(await forge(goodHeader, noExp))).toEqual({ ok: false, problem: "missing-exp" });
    expect(await verifier.verify(await forge(goodHeader, { ...goodClaims(), iat: now() - 700, exp: now() - 60 }))).toEqual({ ok: false, problem: "expired" });
    expect((await verifier.verify(await forge(goodHeader, { ...goodClaims(), iat: now() - 700, exp: now() - 10 }))).ok).toBe(true);
  });

  it("refuses a wrong audience, a wrong issuer and another type of token", async () => {
    expect(await verifier.verify(await forge(goodHeader, { ...goodClaims(), aud: "kepu-services" }))).toEqual({ ok: false, problem: "audience" });
    expect(await verifier.verify(await forge(goodHeader, { ...goodClaims(), iss: "someone-else" }))).toEqual({ ok: false, problem: "issuer" });
    expect(await verifier.verify(await forge({ ...goodHeader, typ: "kepu-call+jwt" }, goodClaims()))).toEqual({ ok: false, problem: "type" });
    const { sub: _sub, ...noSubject } = goodClaims();
    expect(await verifier.verify(await forge(goodHeader, noSubject))).toEqual({ ok: false, problem: "claims" });
  });

  it("refuses tampered claims (a resident who makes herself admin)", async () => {
    const token = await signer.sign({ role: 1 }, { subject: "u-1", ttlSeconds: 60 });
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!))) as Record<string, unknown>;
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...claims, role: 9 }))}.${signature}`;
    expect(await verifier.verify(tampered)).toEqual({ ok: false, problem: "signature" });
  });

  it("refuses what is not a JWT at all (a refresh token, garbage)", async () => {
    expect(await verifier.verify("Qm9vdHN0cmFwUmVmcmVzaFRva2VuLTMyYnl0ZXM")).toEqual({ ok: false, problem: "malformed" });
    expect(await verifier.verify("a.b.c")).toMatchObject({ ok: false });
  });

  it("rotates keys without signing anyone out: a new first key signs, the old one still verifies until removed", async () => {
    const oldToken = await signer.sign({}, { subject: "u-1", ttlSeconds: 60 });
    const rotated = keyRing(hmacKey("k2", "the-new-secret-that-is-long-enough-000000"), [hmacKey("k1", secret)]);
    const newToken = await new TokenSigner(rotated, rules).sign({}, { subject: "u-1", ttlSeconds: 60 });
    expect(decodeProtectedHeader(newToken).kid).toBe("k2");
    const afterRotation = new TokenVerifier(rotated, rules);
    expect((await afterRotation.verify(oldToken)).ok).toBe(true);
    expect((await afterRotation.verify(newToken)).ok).toBe(true);
    const oldRemoved = new TokenVerifier(keyRing(hmacKey("k2", "the-new-secret-that-is-long-enough-000000"), []), rules);
    expect(await oldRemoved.verify(oldToken)).toEqual({ ok: false, problem: "unknown-key" });
  });
});

describe("identity tokens (Ed25519 key ring)", () => {
  const keys = generateEd25519Keys("call-1");
  const signing = parseSigningJwk(keys.signingJwk);
  const verifying = parseVerifyJwks(keys.verifyJwks);
  if (!signing.ok || !verifying.ok) throw new Error("generated keys do not parse");
  const callRules: TokenRules = { issuer: "kepu-gateway", audience: "kepu.registry.v1", type: "kepu-call+jwt", maxAgeSeconds: 120 };
  const callSigner = new TokenSigner(keyRing(signing.value, []), callRules);
  const callVerifier = new TokenVerifier(keyRing(undefined, verifying.value), callRules);

  it("verifies with the public key only what the private key signed", async () => {
    expect((await callVerifier.verify(await callSigner.sign({}, { subject: "gateway", ttlSeconds: 60 }))).ok).toBe(true);
    const other = parseSigningJwk(generateEd25519Keys("call-1").signingJwk);
    if (!other.ok) throw new Error(other.problem);
    const forged = await new TokenSigner(keyRing(other.value, []), callRules).sign({}, { subject: "gateway", ttlSeconds: 60 });
    expect(await callVerifier.verify(forged)).toEqual({ ok: false, problem: "signature" });
  });

  it("refuses HS256 signed with the public key as the secret (algorithm confusion)", async () => {
    const publicX = (JSON.parse(keys.verifyJwks) as { keys: { x: string }[] }).keys[0]!.x;
    const token = await forge({ alg: "HS256", kid: "call-1", typ: "kepu-call+jwt" }, { ...goodClaims(), aud: "kepu.registry.v1" }, bytes(publicX));
    expect(await callVerifier.verify(token)).toEqual({ ok: false, problem: "algorithm" });
  });

  it("refuses a token for another service, and one issued too long ago", async () => {
    expect(await callVerifier.verify(await callSigner.sign({}, { subject: "gateway", ttlSeconds: 60, audience: "kepu.dispatch.v1" }))).toEqual({ ok: false, problem: "audience" });
    const old = await forge({ alg: "EdDSA", kid: "call-1", typ: "kepu-call+jwt" }, { ...goodClaims(), aud: "kepu.registry.v1", iat: now() - 3600, exp: now() + 60 }, signing.value.key);
    expect(await callVerifier.verify(old)).toEqual({ ok: false, problem: "expired" });
  });
});

describe("key parsing", () => {
  it("reads kid:secret lists and refuses short secrets, duplicates and missing kids", () => {
    expect(parseHmacKeys(`a:${secret}, b:${secret}`)).toMatchObject({ ok: true, value: [{ kid: "a" }, { kid: "b" }] });
    expect(parseHmacKeys("a:short")).toMatchObject({ ok: false });
    expect(parseHmacKeys(`a:${secret},a:${secret}`)).toMatchObject({ ok: false });
    expect(parseHmacKeys(secret)).toMatchObject({ ok: false });
    expect(kidOfSecret(secret)).toBe(kidOfSecret(secret));
  });

  it("refuses a public key where the private one must sign, keys without kid, and other curves", () => {
    const keys = generateEd25519Keys("k");
    const publicJwk = JSON.stringify((JSON.parse(keys.verifyJwks) as { keys: unknown[] }).keys[0]);
    expect(parseSigningJwk(publicJwk)).toMatchObject({ ok: false });
    const { kid: _kid, ...noKid } = JSON.parse(keys.signingJwk) as Record<string, unknown>;
    expect(parseSigningJwk(JSON.stringify(noKid))).toMatchObject({ ok: false });
    expect(parseVerifyJwks(JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", kid: "x", x: "a", y: "b" }] }))).toMatchObject({ ok: false });
    expect(parseVerifyJwks("not json")).toMatchObject({ ok: false });
  });
});
