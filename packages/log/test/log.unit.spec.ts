import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
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

  it("carries the correlation id on every line of a request", () => {
    const { lines, destination } = capture();
    withCorrelation(createLogger({ service: "test", destination }), "corr-1").info("hello");
    expect(JSON.parse(lines[0]!)).toMatchObject({ correlationId: "corr-1", service: "test", msg: "hello" });
  });
});
