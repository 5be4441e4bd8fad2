import { describe, expect, it } from "vitest";
import { createLogger } from "@kepu/log";
import { createHttpServer } from "../src/index.js";

const logger = createLogger({ service: "http-test", level: "silent" });

function server(trustProxy?: string[]) {
  const app = createHttpServer({ logger, readiness: {}, ...(trustProxy ? { trustProxy } : {}) });
  app.get("/ip", async (request) => ({ ip: request.ip }));
  return app;
}
const ipSeenBy = async (app: ReturnType<typeof server>, remoteAddress: string, forwardedFor: string) =>
  (await app.inject({ url: "/ip", remoteAddress, headers: { "x-forwarded-for": forwardedFor } })).json().ip;

describe("the client address", () => {
  it("is the peer's own by default, whatever X-Forwarded-For says", async () => {
    expect(await ipSeenBy(server(), "203.0.113.7", "198.51.100.1")).toBe("203.0.113.7");
    expect(await ipSeenBy(server([]), "203.0.113.7", "198.51.100.1")).toBe("203.0.113.7");
  });

  it("comes from X-Forwarded-For only when the peer is a configured proxy (IP or CIDR)", async () => {
    const app = server(["10.0.0.0/8", "192.0.2.10"]);
    expect(await ipSeenBy(app, "10.1.2.3", "198.51.100.1")).toBe("198.51.100.1");
    expect(await ipSeenBy(app, "192.0.2.10", "198.51.100.2")).toBe("198.51.100.2");
    expect(await ipSeenBy(app, "203.0.113.7", "198.51.100.1")).toBe("203.0.113.7");
    // A client in front of the proxy cannot smuggle an address: only the hop the proxy added counts.
    expect(await ipSeenBy(app, "10.1.2.3", "6.6.6.6, 198.51.100.3")).toBe("198.51.100.3");
  });
});
