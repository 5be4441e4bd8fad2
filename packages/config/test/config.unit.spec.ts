import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, serviceEnv, z } from "../src/index.js";

describe("config", () => {
  const schema = serviceEnv({ httpPort: 4001, grpcPort: 5001 });
  // The one setting with no default: without the keys that verify call tokens a service does not start.
  const keys = { KEPU_CALL_VERIFY_KEYS: '{"keys":[]}' };

  it("fills typed defaults for an environment that names only the call keys", () => {
    const config = loadConfig(schema, keys);
    expect(config.HTTP_PORT).toBe(4001);
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:19092"]);
    expect(config.KEPU_PREFIX).toBe("");
  });

  it("parses values from the environment", () => {
    const config = loadConfig(schema, { ...keys, HTTP_PORT: "8080", KAFKA_BROKERS: "a:1, b:2" });
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(["a:1", "b:2"]);
  });

  it("names every bad variable in one error", () => {
    expect(() => loadConfig(schema, { HTTP_PORT: "not-a-port", MONGO_URL: "nope" })).toThrowError(ConfigError);
    try {
      loadConfig(schema.extend({ SECRET: z.string().min(8) }), { ...keys, HTTP_PORT: "x" });
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["HTTP_PORT", "SECRET"]);
    }
  });

  it("refuses to start without the keys that verify call tokens, saying which variable", () => {
    expect(() => loadConfig(schema, {})).toThrowError(/KEPU_CALL_VERIFY_KEYS/);
  });
});
