import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { testCallKeys } from "./call-keys.js";
import { waitFor } from "./wait.js";

const servicesDir = fileURLToPath(new URL("../../../services/", import.meta.url));
/** Where every service a test starts writes its whole output: <prefix>-<service>.log (read by the log scan of test.sh). */
export const testLogDir = process.env.KEPU_TEST_LOG_DIR ?? fileURLToPath(new URL("../../../.kepu/test-logs/", import.meta.url));

/**
 * A port nobody listens on right now, picked at random from 21000–25999: below Linux's ephemeral
 * range (32768–60999), where any outgoing connection may take a port the OS just handed out —
 * and a service restarted on its old ports would then fail to bind. Clear of every fixed port the
 * project's engines use.
 *
 * A port is free only until someone binds it, and a service binds seconds after it is picked: so
 * each vitest worker picks from a slice of its own (by VITEST_POOL_ID), and no port is handed out
 * twice by one process. Two files running side by side once picked the same port (CI, 1 December:
 * EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const slices = 4;
  const size = 5_000 / slices;
  const slice = (Number(process.env.VITEST_POOL_ID ?? 1) - 1 + slices) % slices;
  for (let attempt = 1; ; attempt++) {
    const port = 21_000 + slice * size + Math.floor(Math.random() * size);
    if (!handedOut.has(port)) {
      if (handedOut.size >= size / 2) handedOut.clear(); // a worker that runs many files: the old ones are long bound or released
      handedOut.add(port); // before the check: two calls at once must not both take it
      if (await canListen(port)) return port;
      handedOut.delete(port);
    }
    if (attempt >= 100) throw new Error(`no free port in ${21_000 + slice * size}–${21_000 + (slice + 1) * size - 1} after 100 tries`);
  }
}
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A service started as its own process, as in production (`node dist/main.js`, the bundle that
 * deploy/build/bundle.mjs makes), on free ports. `kill()` is a SIGKILL (a crash); `restart()` starts it again on the same ports.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly name: string,
    readonly httpPort: number,
    readonly grpcPort: number,
    private readonly env: Record<string, string>,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ServiceProcess> {
    for (let attempt = 1; ; attempt++) {
      const service = new ServiceProcess(name, await freePort(), await freePort(), env);
      try {
        await service.launch();
        return service;
      } catch (error) {
        // Another process bound a picked port between the pick and the service's bind: pick again.
        if (attempt < 3 && service.logs().includes("EADDRINUSE")) continue;
        throw error;
      }
    }
  }

  /**
   * Several services at once (each on its own ports): a platform starts in the time of its slowest
   * service, not the sum. If one fails, the ones that did start are stopped before the failure is
   * reported — no orphans.
   */
  static async startAll(names: readonly string[], envOf: (name: string) => Record<string, string>): Promise<ServiceProcess[]> {
    const started = await Promise.allSettled(names.map((name) => ServiceProcess.start(name, envOf(name))));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
      throw failed.reason;
    }
    return started.map((s) => (s as PromiseFulfilledResult<ServiceProcess>).value);
  }

  /** The running process's id (undefined before launch or after exit). */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  /** The last lines the process wrote, for failure messages. */
  logs(): string {
    return this.output.join("");
  }

  async launch(): Promise<void> {
    const bundle = `${servicesDir}${this.name}/dist/main.js`;
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`node deploy/build/bundle.mjs\` (the test tiers that start services do it first)`);
    // KEPU_SERVICE_NODE_ARGS: extra flags for the services only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.KEPU_SERVICE_NODE_ARGS ?? "").split(" ").filter(Boolean);
    this.child = spawn(process.execPath, [...nodeArgs, bundle], {
      cwd: `${servicesDir}${this.name}`,
      // The run's call keys: the service verifies (and the gateway signs) what the test's clients sign.
      env: { ...process.env, ...testCallKeys(), LOG_LEVEL: "info", ...this.env, HTTP_PORT: String(this.httpPort), GRPC_PORT: String(this.grpcPort) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    mkdirSync(testLogDir, { recursive: true });
    const file = createWriteStream(join(testLogDir, `${this.env.KEPU_PREFIX ?? "noprefix_"}${this.name}.log`), { flags: "a" });
    this.child.once("close", () => file.end());
    const keep = (chunk: Buffer) => {
      file.write(chunk);
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout!.on("data", keep);
    this.child.stderr!.on("data", keep);
    const child = this.child;
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}:\n${this.logs()}`);
        const response = await fetch(`${this.httpUrl}/readyz`).catch(() => undefined);
        return response?.ok === true;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `${this.name} /readyz` },
    ).catch((error: unknown) => {
      child.kill("SIGKILL");
      throw new Error(`${this.name} did not become ready: ${(error as Error).message}\n${this.logs()}`);
    });
  }

  /** A crash: no shutdown hooks run. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** A graceful stop (SIGTERM): consumers drain, the relay flushes. */
  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }
}
