// bench/web: the sign-in page on an emulated mid-range phone on a slow network (issue 17's budget).
// Chromium (playwright-core) with the CPU slowed 4× and the network at 1.6 Mbps down, 750 kbps up,
// 150 ms round trips (Chrome DevTools Protocol: Emulation.setCPUThrottlingRate,
// Network.emulateNetworkConditions), a phone's viewport, a cold cache (a fresh browser context each
// run), against a gateway serving the built app as `npm start` does. Measured from navigation
// start to the first usable sign-in form (the account input visible and enabled), and the JS the
// page loaded: gzipped bytes (the .gz the build wrote for each script) and bytes on the wire.
// Baseline of the same run: a bare static page with the same form, served by the same gateway
// the same way. Writes bench/results/web.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { ServiceProcess, TestEngines, uniquePrefix } from "@kepu/testkit";
import { launchBrowser } from "../../services/web/test/browser.js";
import { writeResult } from "../lib/report.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);
const budget = { firstUsableFormMs: 3000, residentEntryJsGzipKB: 250 };
const phone = { cpuSlowdown: 4, downloadKbps: 1600, uploadKbps: 750, rttMs: 150, viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 };
const webDir = fileURLToPath(new URL("../../services/web/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "kepu-bench-web-"));
const appDist = join(work, "app");
const bareDist = join(work, "bare");

// The app as production builds it (vite.config.ts: chunks per page, Element Plus on demand, .br and .gz beside each file).
// BENCH_WEB_DIST: a build already made (e.g. the one the journeys just passed on) instead of building here.
if (process.env.BENCH_WEB_DIST) execFileSync("cp", ["-r", process.env.BENCH_WEB_DIST, appDist]);
else execFileSync("pnpm", ["exec", "vite", "build", "--logLevel", "error", "--outDir", appDist, "--emptyOutDir"], { cwd: webDir, stdio: "inherit" });
// The baseline: the same sign-in form as a bare page, no script, compressed the same way.
mkdirSync(bareDist);
const barePage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>登录</title></head><body><form><label>账号 <input name="account"></label><label>密码 <input name="password" type="password"></label><button>登录</button></form></body></html>\n`;
writeFileSync(join(bareDist, "index.html"), barePage);
writeFileSync(join(bareDist, "index.html.br"), brotliCompressSync(barePage));
writeFileSync(join(bareDist, "index.html.gz"), gzipSync(barePage));

const engines = new TestEngines(uniquePrefix("benchweb"));
// The gateway alone: the sign-in form needs no service to be usable (the community picker's lookups come after, on the resident's tab).
const serve = (dist: string) => ServiceProcess.start("gateway", engines.serviceEnv({ LOG_LEVEL: "error", WEB_DIST: dist, RATE_LIMIT_IP_PER_MINUTE: "100000" }));
const app = await serve(appDist);
const bare = await serve(bareDist);
let browser: Browser | undefined;

interface Load {
  firstUsableFormMs: number;
  scripts: string[];
  jsWireBytes: number;
  allWireBytes: number;
}

/** One cold load of `url` on the emulated phone: ms from navigation start until the account input is visible and enabled. */
async function load(url: string): Promise<Load> {
  const context = await browser!.newContext({ viewport: phone.viewport, deviceScaleFactor: phone.deviceScaleFactor, isMobile: true, hasTouch: true, locale: "zh-CN" });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.clearBrowserCache");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: phone.rttMs, downloadThroughput: (phone.downloadKbps * 1000) / 8, uploadThroughput: (phone.uploadKbps * 1000) / 8 });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: phone.cpuSlowdown });
    const types = new Map<string, string>();
    const scripts: string[] = [];
    let jsWireBytes = 0;
    let allWireBytes = 0;
    cdp.on("Network.responseReceived", (event) => {
      types.set(event.requestId, event.type);
      if (event.type === "Script") scripts.push(new URL(event.response.url).pathname);
    });
    cdp.on("Network.loadingFinished", (event) => {
      allWireBytes += event.encodedDataLength;
      if (types.get(event.requestId) === "Script") jsWireBytes += event.encodedDataLength;
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    page.on("requestfailed", (request) => errors.push(`${request.url()} ${request.failure()?.errorText ?? ""}`));
    await page.goto(url, { waitUntil: "commit" });
    // Evaluated in the page (a string: this file is typed for node, not the DOM).
    const usable = `(() => {
      const input = document.querySelector("input[name=account]");
      const box = input?.getBoundingClientRect();
      return input && !input.disabled && box.width > 0 && box.height > 0 && getComputedStyle(input).visibility !== "hidden" ? performance.now() : false;
    })()`;
    const handle = await page.waitForFunction(usable, undefined, { polling: "raf", timeout: 120_000 }).catch((error: Error) => {
      throw new Error(`${url}: no usable form (${error.message}); page errors: ${errors.join("; ") || "none"}`);
    });
    const firstUsableFormMs = Math.round((await handle.jsonValue()) as number);
    await page.waitForLoadState("networkidle");
    return { firstUsableFormMs, scripts, jsWireBytes, allWireBytes };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

try {
  browser = await launchBrowser();
  await load(`${app.httpUrl}/sign-in`); // Chromium's own first start, not the page's
  const appLoads: Load[] = [];
  const bareLoads: Load[] = [];
  for (let i = 0; i < runs; i++) {
    appLoads.push(await load(`${app.httpUrl}/sign-in`));
    bareLoads.push(await load(`${bare.httpUrl}/`));
  }
  // The resident entry: every script the sign-in page loaded (the entry, the page's chunk and the chunks they import), gzipped as the build wrote them.
  const scripts = [...new Set(appLoads.flatMap((l) => l.scripts))].sort();
  // gzip -9 as the build writes it (the build leaves out a .gz no smaller than its file, so measured here for each).
  const entryGzipBytes = scripts.reduce((sum, path) => sum + gzipSync(readFileSync(join(appDist, path)), { level: 9 }).length, 0);
  const entryRawBytes = scripts.reduce((sum, path) => sum + statSync(join(appDist, path)).size, 0);
  const formMs = median(appLoads.map((l) => l.firstUsableFormMs));
  const bareMs = median(bareLoads.map((l) => l.firstUsableFormMs));
  const figures = {
    firstUsableFormMs: { median: formMs, runs: appLoads.map((l) => l.firstUsableFormMs) },
    residentEntryJs: { scripts, rawKB: kb(entryRawBytes), gzipKB: kb(entryGzipBytes), onTheWireKB: kb(median(appLoads.map((l) => l.jsWireBytes))) },
    allBytesOnTheWireKB: kb(median(appLoads.map((l) => l.allWireBytes))),
  };
  const baseline = { firstUsableFormMs: { median: bareMs, runs: bareLoads.map((l) => l.firstUsableFormMs) }, allBytesOnTheWireKB: kb(median(bareLoads.map((l) => l.allWireBytes))) };
  const met = { firstUsableForm: formMs <= budget.firstUsableFormMs, residentEntryJs: entryGzipBytes / 1024 <= budget.residentEntryJsGzipKB };
  writeResult(
    "web",
    { params: { runs, phone, page: "/sign-in", usable: "input[name=account] visible and enabled", cache: "cold (a fresh browser context each run)" }, budget, app: figures, bareStaticPage: baseline, met },
    [
      { page: "app /sign-in", "first usable form ms (median)": formMs, "runs ms": figures.firstUsableFormMs.runs.join(" "), "JS gzip KB": figures.residentEntryJs.gzipKB, "JS on the wire KB": figures.residentEntryJs.onTheWireKB, "all on the wire KB": figures.allBytesOnTheWireKB },
      { page: "bare static page (baseline)", "first usable form ms (median)": bareMs, "runs ms": baseline.firstUsableFormMs.runs.join(" "), "all on the wire KB": baseline.allBytesOnTheWireKB },
      { page: `budget ≤ ${budget.firstUsableFormMs} ms, ≤ ${budget.residentEntryJsGzipKB} KB JS gzipped`, "first usable form ms (median)": met.firstUsableForm ? "met" : "NOT met", "JS gzip KB": met.residentEntryJs ? "met" : "NOT met" },
    ],
  );
} finally {
  await browser?.close();
  await bare.stop();
  await app.stop();
  await engines.cleanup();
  rmSync(work, { recursive: true, force: true });
}
