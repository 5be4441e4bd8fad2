// The web app's files as the running gateway serves them: each hashed asset sent as the brotli or
// gzip copy the build wrote next to it (whichever the browser accepts, the file itself otherwise),
// cached for good; index.html — for "/" and every client-side route — asked again each time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceProcess, TestEngines, uniquePrefix } from "@kepu/testkit";

const engines = new TestEngines(uniquePrefix("webassets"));
const dist = mkdtempSync(join(tmpdir(), "kepu-web-assets-"));
const script = `console.log(${JSON.stringify("科普 ".repeat(2000))});\n`;
const page = `<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div></body></html>\n`;
let gateway: ServiceProcess;

/** What the build writes (vite.config.ts): each file, and its .br and .gz beside it. */
function write(path: string, text: string) {
  writeFileSync(join(dist, path), text);
  writeFileSync(join(dist, `${path}.br`), brotliCompressSync(text));
  writeFileSync(join(dist, `${path}.gz`), gzipSync(text));
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET as the browser sends it, the body as it came over the wire (fetch would decode it). */
function raw(path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(`${gateway.httpUrl}${path}`, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

beforeAll(async () => {
  mkdirSync(join(dist, "assets"));
  write("index.html", page);
  write("assets/index-Ab12Cd34.js", script);
  gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ WEB_DIST: dist }));
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await engines.cleanup();
  rmSync(dist, { recursive: true, force: true });
});

describe("the web app's files", () => {
  it("a hashed asset comes as brotli when the browser takes it, gzip when only that, the file itself otherwise; cached immutably", async () => {
    const brotli = await raw("/assets/index-Ab12Cd34.js", "gzip, deflate, br, zstd");
    expect(brotli.status).toBe(200);
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotli.headers["content-type"]).toMatch(/javascript/);
    expect(brotli.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotli.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(brotli.body).toString()).toBe(script);
    expect(brotli.body.length).toBeLessThan(Buffer.byteLength(script) / 10);

    const gzip = await raw("/assets/index-Ab12Cd34.js", "gzip, deflate");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(gunzipSync(gzip.body).toString()).toBe(script);

    const plain = await raw("/assets/index-Ab12Cd34.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.body.toString()).toBe(script);
  });

  it("index.html, for the root URL and for a client-side route, is compressed and never cached without asking", async () => {
    for (const path of ["/", "/index.html", "/resident/menu", "/sign-in"]) {
      const answer = await raw(path, "br, gzip");
      expect(answer.status, path).toBe(200);
      expect(answer.headers["content-type"], path).toMatch(/text\/html/);
      expect(answer.headers["content-encoding"], path).toBe("br");
      expect(answer.headers["cache-control"], path).toBe("no-cache");
      expect(brotliDecompressSync(answer.body).toString(), path).toBe(page);
    }
    const plain = await raw("/resident/menu");
    expect(plain.headers["cache-control"]).toBe("no-cache");
    expect(plain.body.toString()).toBe(page);
  });

  it("the compressed copies are not files of their own, and the API is not the app", async () => {
    expect((await raw("/assets/index-Ab12Cd34.js.br")).headers["content-type"]).toMatch(/text\/html/); // the app's page, as any unknown path
    const api = await raw("/api/v1/no-such-route", "br, gzip");
    expect(api.status).toBe(404);
    expect(api.headers["content-type"]).toMatch(/json/);
  });
});
