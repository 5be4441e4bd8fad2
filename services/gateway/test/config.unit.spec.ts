import { describe, expect, it } from "vitest";
import { generateEd25519Keys } from "@kepu/identity";
import { isLoopback, readConfig } from "../src/config.js";

const env = (extra: Record<string, string>) => ({ KEPU_CALL_SIGNING_KEY: generateEd25519Keys("k").signingJwk, ...extra });
const ownKeys = "k1:a-real-secret-for-this-deployment-0123456789";

describe("gateway configuration", () => {
  it("refuses the development token secret whenever the gateway listens beyond loopback, not only in production", () => {
    for (const host of ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"]) expect(() => readConfig(env({ HTTP_HOST: host }))).not.toThrow();
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "kepu.example.cn"]) expect(() => readConfig(env({ HTTP_HOST: host }))).toThrow(/开发用的令牌密钥/);
    expect(() => readConfig(env({ NODE_ENV: "production" }))).toThrow(/development token secret/);
    expect(() => readConfig(env({ HTTP_HOST: "0.0.0.0", JWT_KEYS: "k1:kepu-dev-jwt-secret-change-me-0123456789" }))).toThrow(/开发用的令牌密钥/);
    expect(readConfig(env({ HTTP_HOST: "0.0.0.0", JWT_KEYS: ownKeys })).JWT_KEYS).toBe(ownKeys);
    expect(readConfig(env({ HTTP_HOST: "0.0.0.0", JWT_SECRET: "a-real-secret-for-this-deployment-0123456789" })).HTTP_HOST).toBe("0.0.0.0");
  });

  it("names a bad key list and a missing call signing key", () => {
    expect(() => readConfig(env({ JWT_KEYS: "k1:short" }))).toThrow(/JWT_KEYS/);
    expect(() => readConfig({})).toThrow(/KEPU_CALL_SIGNING_KEY/);
  });

  it("knows loopback addresses", () => {
    expect([isLoopback("127.0.0.1"), isLoopback("::1"), isLoopback("0.0.0.0"), isLoopback("::2")]).toEqual([true, true, false, false]);
  });
});
