import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, serviceEnv, z } from "../src/index.js";

describe("config", () => {
  const schema = serviceEnv({ httpPort: 4001, grpcPort: 5001 });

  it("fills typed defaults for a bare environment", () => {
    const config = loadConfig(schema, {});
    expect(config.HTTP_PORT).toBe(4001);
    expect(config.KAFKA_BROKERS).toEqual(["127.0.0.1:19092"]);
    expect(config.KEPU_PREFIX).toBe("");
  });

  it("parses values from the environment", () => {
    const config = loadConfig(schema, { HTTP_PORT: "8080", KAFKA_BROKERS: "a:1, b:2" });
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(["a:1", "b:2"]);
  });

  it("names every bad variable in one error", () => {
    expect(() => loadConfig(schema, { HTTP_PORT: "not-a-port", MONGO_URL: "nope" })).toThrowError(ConfigError);
    try {
      loadConfig(schema.extend({ SECRET: z.string().min(8) }), { HTTP_PORT: "x" });
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(":")[0])).toEqual(["HTTP_PORT", "SECRET"]);
    }
  });
});
