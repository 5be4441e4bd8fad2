import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const script = `${repo}deploy/local/engines.sh`;

/**
 * An engine set of the suite's own (own state folder and ports), so that killing the broker
 * disturbs nothing else running on the machine. Started and stopped by deploy/local/engines.sh.
 *
 * The ports lie below Linux's ephemeral range (32768–60999): a port inside it can be held at any
 * moment by some client's outgoing connection, and Kafka then fails to bind (a CI run did).
 */
export class FaultEngines {
  readonly state: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(ports = { kafka: 29092, controller: 29093, mongo: 28027, redis: 26379 }, options: EngineSetOptions = {}) {
    const { KAFKA_BROKERS: _k, MONGO_URL: _m, REDIS_URL: _r, ...inherited } = process.env;
    this.state = options.state ?? `${repo}.kepu/faults`;
    const kafkaProperties = Object.entries(options.kafkaProperties ?? {}).map(([name, value]) => `${name}=${value}`);
    this.env = {
      ...inherited,
      ...options.use,
      KEPU_STATE: this.state,
      KEPU_KAFKA_PORT: String(ports.kafka),
      KEPU_KAFKA_CONTROLLER_PORT: String(ports.controller),
      KEPU_MONGO_PORT: String(ports.mongo),
      KEPU_REDIS_PORT: String(ports.redis),
      ...(kafkaProperties.length > 0 ? { KEPU_KAFKA_PROPERTIES: kafkaProperties.join("\n") } : {}),
    };
  }

  /** Starts whatever is not running and waits until all three answer. */
  async start(): Promise<void> {
    await run("bash", [script, "start"], { env: this.env, timeout: 180_000 });
  }

  async stop(): Promise<void> {
    await run("bash", [script, "stop"], { env: this.env, timeout: 120_000 });
  }

  /** The URLs the suite's services and clients use. */
  async urls(): Promise<{ KAFKA_BROKERS: string; MONGO_URL: string; REDIS_URL: string }> {
    const { stdout } = await run("bash", [script, "env"], { env: this.env });
    const value = (name: string) => (new RegExp(`export ${name}=['"]?([^'"\\n]+)`).exec(stdout)?.[1] ?? "").trim();
    return { KAFKA_BROKERS: value("KAFKA_BROKERS"), MONGO_URL: value("MONGO_URL"), REDIS_URL: value("REDIS_URL") };
  }

  /** SIGKILL of the broker: no clean shutdown, as in a crash or a lost machine. */
  async killBroker(): Promise<void> {
    await this.kill("kafka");
  }

  /** SIGKILL of one engine (its folder under the state: kafka, ferretdb, redis); `start()` brings it back. */
  async kill(engine: Engine): Promise<void> {
    const pid = Number(readFileSync(`${this.state}/${engine}/pid`, "utf8").trim());
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + 30_000;
    while (isAlive(pid)) {
      if (Date.now() > deadline) throw new Error(`${engine} ${pid} survived SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * FerretDB's data folder on a disk of its own — a tmpfs of `size` — so that a scenario can fill
   * it. Mounted before the store starts (a mount under a running FerretDB would hide its files).
   */
  async mountStoreDisk(size = "256m"): Promise<void> {
    mkdirSync(this.storeDisk, { recursive: true });
    if (await mounted(this.storeDisk)) return;
    if (existsSync(`${this.state}/ferretdb/pid`) && isAlive(Number(readFileSync(`${this.state}/ferretdb/pid`, "utf8").trim()))) {
      throw new Error(`FerretDB is running on ${this.storeDisk}: stop the fault engines before mounting its disk`);
    }
    await run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "kepu-faults-store", this.storeDisk]);
  }

  async unmountStoreDisk(): Promise<void> {
    if (await mounted(this.storeDisk)) await run("umount", [this.storeDisk]);
  }

  /**
   * Takes every free byte of the store's disk: one preallocated file for all but the last
   * megabyte (FerretDB may write meanwhile), then zeros until the disk refuses. The next write meets ENOSPC.
   */
  async fillStoreDisk(): Promise<void> {
    await run("fallocate", ["-l", String(Math.max((await this.storeDiskFree()) - 1_048_576, 0)), this.filler]);
    await run("dd", ["if=/dev/zero", `of=${this.filler}.tail`, "bs=64k"]).catch(() => undefined); // ends with "No space left on device"
    const left = await this.storeDiskFree();
    if (left > 65_536) throw new Error(`the store's disk still has ${left} bytes free after filling it`);
  }

  /** Space returns. */
  freeStoreDisk(): void {
    rmSync(this.filler, { force: true });
    rmSync(`${this.filler}.tail`, { force: true });
  }

  private async storeDiskFree(): Promise<number> {
    const { stdout } = await run("df", ["--output=avail", "-B1", this.storeDisk]);
    return Number(stdout.trim().split("\n").pop());
  }

  private get storeDisk(): string {
    return `${this.state}/ferretdb/data`;
  }

  private get filler(): string {
    return `${this.storeDisk}/filler`;
  }
}

export type Engine = "kafka" | "ferretdb" | "redis";

async function mounted(path: string): Promise<boolean> {
  return run("mountpoint", ["-q", path]).then(
    () => true,
    () => false,
  );
}

export interface EngineSetOptions {
  /** The folder of their data and logs (default <repo>/.kepu/faults). */
  state?: string;
  /** Broker settings over deploy/local/kafka/server.properties.template's (e.g. a retention that runs fast). */
  kafkaProperties?: Record<string, string>;
  /** Engines used as they are: these are neither started nor stopped, only the others. */
  use?: { MONGO_URL?: string; REDIS_URL?: string };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
