import { Writable } from "node:stream";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { containsPhone } from "@kepu/privacy";
import { createLogger, withCorrelation } from "../src/index.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe("log", () => {
  it("never writes a phone number or a password in clear", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "test", destination });
    logger.info({ user: { phone: "13812345678", password: "s3cret" }, phone: "13900001111" }, "resident 13712345678 booked");
    const line = lines.join("");
    expect(line).not.toContain("13812345678");
    expect(line).not.toContain("13900001111");
    expect(line).not.toContain("13712345678");
    expect(line).not.toContain("s3cret");
    expect(line).toContain("137****5678");
  });

  it("masks numbers in every string field at any depth, in errors, arrays, bindings and format arguments", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "test", destination }).child({ resident: "王 +86 138-1234-5678" });
    logger.warn({ order: { notes: ["联系 15912345678"], deep: { deeper: { text: "tel 0086 136 1234 5678" } } } }, "order %s placed", "by 13712345678");
    logger.error({ err: new Error("no resident with phone 18612345678") }, "lookup failed");
    logger.info("plain 17712345678");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(containsPhone(line), line).toBe(false);
    const [first, second, third] = lines.map((l) => JSON.parse(l));
    expect(first).toMatchObject({ resident: "王 138****5678", order: { notes: ["联系 159****5678"], deep: { deeper: { text: "tel 136****5678" } } }, msg: "order by 137****5678 placed" });
    expect(second.err.message).toBe("no resident with phone 186****5678");
    expect(second.err.stack).toContain("186****5678");
    expect(third.msg).toBe("plain 177****5678");
  });

  it("masks numbers in the paths and query strings of fastify's request log", async () => {
    const { lines, destination } = capture();
    const app = Fastify({ loggerInstance: createLogger({ service: "test", destination }) });
    app.get("/api/v1/residents/:who", async () => ({ ok: true }));
    const response = await app.inject({ method: "GET", url: "/api/v1/residents/13812345678?phone=%2B86%20139%201234%205678&q=15012345678" });
    await app.close();
    expect(response.statusCode).toBe(200);
    const urls = lines.map((l) => JSON.parse(l)).filter((l) => l.req?.url).map((l) => l.req.url as string);
    expect(urls).toEqual(["/api/v1/residents/138****5678?phone=139****5678&q=150****5678"]);
    expect(lines.some((l) => containsPhone(l))).toBe(false);
  });

  it("carries the correlation id on every line of a request", () => {
    const { lines, destination } = capture();
    withCorrelation(createLogger({ service: "test", destination }), "corr-1").info("hello");
    expect(JSON.parse(lines[0]!)).toMatchObject({ correlationId: "corr-1", service: "test", msg: "hello" });
  });
});
