// Forged access tokens through the gateway's HTTP API: every one is refused with 401 and the
// bilingual body; a token signed with the previous key still works after a rotation.
import { SignJWT, base64url } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestEngines, uniquePrefix } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("gwtokens"));
let gateway: ServiceProcess;
const oldSecret = "the-previous-access-token-secret-0123456789";
const newSecret = "the-current-access-token-secret-9876543210ab";
const bytes = (text: string) => new TextEncoder().encode(text);
const now = () => Math.floor(Date.now() / 1000);

async function me(token: string) {
  const response = await fetch(`${gateway.httpUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const claims = () => ({ iss: "kepu-gateway", aud: "kepu-app", sub: "forged-admin", role: 10, org: "sz", name: "伪造者", iat: now(), exp: now() + 600 });
const header = { alg: "HS256", kid: "k2", typ: "kepu-access+jwt" };
const forge = (h: Record<string, unknown>, c: Record<string, unknown>, secret = newSecret) => new SignJWT(c).setProtectedHeader(h as never).sign(bytes(secret));

const refused = { status: 401, body: { code: "TOKEN_INVALID", messageZh: "登录已失效，请重新登录", messageEn: "Your sign-in is invalid or expired; please sign in again" } };

beforeAll(async () => {
  // Rotated: k2 signs, k1 (the previous key) still verifies.
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ DEMO_ACCOUNTS: "1", JWT_KEYS: `k2:${newSecret},k1:${oldSecret}` }));
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await engines.cleanup();
});

describe("access tokens at the gateway", () => {
  it("accepts its own tokens, signed with the current key, and those of the previous key after a rotation", async () => {
    const signedIn = (await (await fetch(`${gateway.httpUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ account: "worker", password: "kepu-demo" }) })).json()) as { accessToken: string; refreshToken: string };
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(signedIn.accessToken.split(".")[0]!)))).toMatchObject({ alg: "HS256", kid: "k2" });
    expect(await me(signedIn.accessToken)).toMatchObject({ status: 200, body: { role: "COMMUNITY_WORKER" } });
    expect(await me(await forge({ ...header, kid: "k1" }, claims(), oldSecret))).toMatchObject({ status: 200, body: { id: "forged-admin", role: "ADMIN" } });
    // Each forgery below differs from this accepted one in one defect.
    expect((await me(await forge(header, claims()))).status).toBe(200);

    // A refresh token is not an access token.
    expect(await me(signedIn.refreshToken)).toMatchObject(refused);
  });

  it("refuses alg none, other algorithms, a wrong key and an unknown kid", async () => {
    const unsigned = `${base64url.encode(JSON.stringify({ ...header, alg: "none" }))}.${base64url.encode(JSON.stringify(claims()))}.`;
    expect(await me(unsigned)).toMatchObject(refused);
    expect(await me(await forge({ ...header, alg: "HS512" }, claims()))).toMatchObject(refused);
    expect(await me(await forge(header, claims(), "kepu-dev-jwt-secret-change-me-0123456789"))).toMatchObject(refused);
    expect(await me(await forge({ ...header, kid: "k3" }, claims()))).toMatchObject(refused);
  });

  it("refuses no exp, expired, a wrong audience or issuer", async () => {
    const { exp: _exp, ...noExp } = claims();
    expect(await me(await forge(header, noExp))).toMatchObject(refused);
    expect(await me(await forge(header, { ...claims(), iat: now() - 1200, exp: now() - 120 }))).toMatchObject(refused);
    expect(await me(await forge(header, { ...claims(), aud: "kepu.registry.v1" }))).toMatchObject(refused);
    expect(await me(await forge(header, { ...claims(), iss: "kepu-elsewhere" }))).toMatchObject(refused);
  });

  it("refuses tampered claims", async () => {
    const token = await forge(header, { ...claims(), sub: "resident-1", role: 1 });
    const [h, , signature] = token.split(".");
    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...claims(), sub: "resident-1", role: 10 }))}.${signature}`;
    expect(await me(tampered)).toMatchObject(refused);
  });
});
