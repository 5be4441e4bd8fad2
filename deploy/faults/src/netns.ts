import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor, type ServiceProcess } from "@kepu/testkit";

const run = promisify(execFile);
const bridgeScript = fileURLToPath(new URL("./bridge.mjs", import.meta.url));
const servicesDir = fileURLToPath(new URL("../../../services/", import.meta.url));

/** `ip netns` and veth pairs work here (root in a VM); the suite skips the scenario where they do not. */
export async function namespacesWork(): Promise<boolean> {
  const probe = `kepu-probe-${process.pid}`;
  try {
    await run("ip", ["netns", "add", probe]);
    await run("ip", ["netns", "del", probe]);
    return true;
  } catch {
    return false;
  }
}

const ip = (...args: string[]) => run("ip", args);
const port = (url: string) => Number(/:(\d+)\/?$/.exec(url)?.[1]);

/**
 * One service in a network namespace of its own, joined to the machine by two veth pairs: one
 * carries only its Kafka traffic, the other everything else (FerretDB, Redis, and its own gRPC
 * and HTTP ports, which the rest of the suite keeps reaching on 127.0.0.1). `cut()` takes the
 * Kafka link down — packets to the broker are lost, as in a network partition — while the service
 * still reaches its store and serves its callers; `restore()` brings it back.
 *
 * The engines listen on the machine's loopback and Kafka advertises 127.0.0.1:<port>, so a small
 * TCP bridge (bridge.mjs) at each end of each link carries 127.0.0.1:<port> across.
 */
export class KafkaPartition {
  private readonly ns = `kepu-faults-${process.pid}`;
  private readonly links = { kafka: { host: "kfk0", inside: "kfk1", net: "10.231.1" }, rest: { host: "kfr0", inside: "kfr1", net: "10.231.2" } };
  private readonly bridges: ChildProcess[] = [];
  private child: ChildProcess | undefined;
  private output: string[] = [];

  constructor(
    private readonly service: ServiceProcess,
    private readonly engines: { KAFKA_BROKERS: string; MONGO_URL: string; REDIS_URL: string },
    private readonly env: Record<string, string>,
  ) {}

  /** Moves the service into the namespace: stopped (SIGTERM) on the machine, started inside on the same ports. */
  async enter(): Promise<void> {
    await ip("netns", "add", this.ns);
    await ip("-n", this.ns, "link", "set", "lo", "up");
    for (const link of Object.values(this.links)) {
      await ip("link", "del", link.host).catch(() => undefined); // left by a run that was stopped mid-scenario
      await ip("link", "add", link.host, "type", "veth", "peer", "name", link.inside, "netns", this.ns);
      await ip("addr", "add", `${link.net}.1/30`, "dev", link.host);
      await ip("link", "set", link.host, "up");
      await ip("-n", this.ns, "addr", "add", `${link.net}.2/30`, "dev", link.inside);
      await ip("-n", this.ns, "link", "set", link.inside, "up");
    }
    const kafka = port(this.engines.KAFKA_BROKERS);
    const mongo = port(this.engines.MONGO_URL);
    const redis = port(this.engines.REDIS_URL);
    const { kafka: k, rest: r } = { kafka: this.links.kafka.net, rest: this.links.rest.net };
    const { grpcPort, httpPort } = this.service;
    await this.service.stop();
    // On the machine: the engines offered on the links' addresses, the service's ports on loopback.
    await this.bridge([], [`${k}.1:${kafka}=127.0.0.1:${kafka}`, `${r}.1:${mongo}=127.0.0.1:${mongo}`, `${r}.1:${redis}=127.0.0.1:${redis}`, `127.0.0.1:${grpcPort}=${r}.2:${grpcPort}`, `127.0.0.1:${httpPort}=${r}.2:${httpPort}`]);
    // Inside: 127.0.0.1:<engine port> leads across the links.
    await this.bridge(["netns", "exec", this.ns], [`127.0.0.1:${kafka}=${k}.1:${kafka}`, `127.0.0.1:${mongo}=${r}.1:${mongo}`, `127.0.0.1:${redis}=${r}.1:${redis}`]);
    await this.launch();
  }

  private async bridge(prefix: string[], pairs: string[]): Promise<void> {
    const command = prefix.length > 0 ? "ip" : process.execPath;
    const child = spawn(command, [...prefix, ...(prefix.length > 0 ? [process.execPath] : []), bridgeScript, ...pairs], { stdio: ["ignore", "pipe", "pipe"] });
    this.bridges.push(child);
    let said = "";
    child.stdout!.on("data", (chunk: Buffer) => (said += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (said += chunk.toString()));
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`bridge exited: ${said}`);
        return said.includes("ready");
      },
      { timeoutMs: 10_000, what: "the bridge listening" },
    );
  }

  private async launch(): Promise<void> {
    const { name, grpcPort, httpPort } = this.service;
    const env = { ...process.env, LOG_LEVEL: "warn", ...this.env, GRPC_HOST: "0.0.0.0", HTTP_HOST: "0.0.0.0", GRPC_PORT: String(grpcPort), HTTP_PORT: String(httpPort) };
    const child = spawn("ip", ["netns", "exec", this.ns, process.execPath, `${servicesDir}${name}/dist/main.js`], { cwd: `${servicesDir}${name}`, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} in ${this.ns} exited with ${child.exitCode}:\n${this.logs()}`);
        return (await fetch(`${this.service.httpUrl}/readyz`).catch(() => undefined))?.ok === true;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: `${name} in ${this.ns} /readyz` },
    );
  }

  /** Whether the namespaced service is still running (a crash during the cut is a failure). */
  get running(): boolean {
    return this.child?.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output.join("");
  }

  async cut(): Promise<void> {
    await ip("link", "set", this.links.kafka.host, "down");
  }

  async restore(): Promise<void> {
    await ip("link", "set", this.links.kafka.host, "up");
  }

  /** The service leaves the namespace (SIGTERM) and starts again on the machine; the namespace and its links are gone. */
  async leave(): Promise<void> {
    await stopChild(this.child, "SIGTERM");
    for (const bridge of this.bridges.splice(0)) await stopChild(bridge, "SIGKILL");
    await ip("netns", "del", this.ns).catch(() => undefined);
    await this.service.launch();
  }
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}
