import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { destination as fileDestination } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/index.js";
import { scanLogs } from "../src/scan.js";

const root = await mkdtemp(join(tmpdir(), "kepu-log-scan-"));
afterAll(() => rm(root, { recursive: true, force: true }));

describe("the log scan", () => {
  it("finds a number planted in clear in any file at any depth, and says where without repeating it", async () => {
    const dir = join(root, "planted");
    await mkdir(join(dir, "nested"), { recursive: true });
    await writeFile(join(dir, "a-gateway.log"), '{"msg":"incoming request","req":{"url":"/api/v1/x?phone=138****5678"}}\n');
    await writeFile(join(dir, "nested", "b-events.log"), 'ok\n{"msg":"uncaught","err":"no booking for +86 139-1234-5678"}\n');
    const result = await scanLogs(dir);
    expect(result).toEqual({ files: 2, lines: 3, leaks: [{ file: join("nested", "b-events.log"), line: 2, phone: "139****5678" }] });
  });

  it("finds nothing in what the logger wrote, however the numbers were passed to it", async () => {
    const dir = join(root, "logged");
    await mkdir(dir);
    const destination = fileDestination({ dest: join(dir, "svc.log"), sync: true });
    const logger = createLogger({ service: "svc", destination });
    logger.info({ req: { url: "/api/v1/residents/13812345678?q=+8615912345678" }, note: "电话 136 1234 5678" }, "resident 13712345678");
    logger.error({ err: new Error("phone 18612345678 unknown") }, "failed");
    destination.flushSync();
    expect(await scanLogs(dir)).toEqual({ files: 1, lines: 2, leaks: [] });
  });

  it("reads a missing folder as holding no logs", async () => {
    expect(await scanLogs(join(root, "none"))).toEqual({ files: 0, lines: 0, leaks: [] });
  });
});
