// Kepu's supervisor on one machine: what `npm start` leaves running. It starts every service, starts
// again one that crashed (exponential backoff, logged with its exit code or signal), restarts them
// one at a time when asked (`npm run restart`, or SIGHUP) and stops them in order (SIGTERM/SIGINT).
//
//   node supervisor.mjs run name:httpPort[:grpcPort] ...   the daemon (deploy/local/services.sh starts it)
//   node supervisor.mjs restart [name ...]                 asks the daemon; prints each step; exit 1 on failure
//
// The gateway is the one process users talk to, so it never leaves its port: the supervisor runs it
// as a node:cluster worker and holds the listening socket itself. A restart forks the new gateway,
// waits until it listens, then stops the old one — which drains (readiness 503, in-flight requests
// finish) while the new one already takes connections. The other services are only called by the
// gateway, whose gRPC client resends a call that could not reach them while they restart.
//
// Environment: KEPU_STATE (default <repo>/.kepu: logs/<service>.log, pids/<service>, supervisor.sock),
// KEPU_FROM_SOURCE=1 (run src/main.ts with tsx instead of dist/main.js), KEPU_NODE_FLAGS (the services'
// V8 flags, node-flags.mjs); every other variable is passed on to the services. Node built-ins only (and node-flags.mjs beside it).
import cluster from "node:cluster";
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { serviceNodeFlags } from "./node-flags.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const state = process.env.KEPU_STATE ?? join(repo, ".kepu");
const socketPath = join(state, "supervisor.sock");
/** The service users reach; it runs as a cluster worker so a restart never closes its port. */
const front = "gateway";
const backoff = { firstMs: 250, maxMs: 30_000, /** up this long, a crash counts as the first again */ stableMs: 30_000 };
const stopDeadlineMs = 25_000;
const readyDeadlineMs = 90_000;

const log = (level, msg, fields = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: "supervisor", msg, ...fields })}\n`);

// ---- the daemon -------------------------------------------------------------------------------

/** One supervised service: its ports, the process running it now, and how often it crashed lately. */
class Service {
  constructor(name, httpPort, grpcPort) {
    Object.assign(this, { name, httpPort, grpcPort, process: undefined, crashes: 0, stopping: false });
    this.dir = join(repo, "services", name);
    this.entry = process.env.KEPU_FROM_SOURCE === "1" ? { execArgv: [...serviceNodeFlags, "--import", "tsx"], file: "src/main.ts" } : { execArgv: serviceNodeFlags, file: "dist/main.js" };
    this.env = { HTTP_PORT: String(httpPort), ...(grpcPort ? { GRPC_PORT: String(grpcPort) } : {}) };
  }

  /** Starts a new process (the front service: a new cluster worker) and records its pid. */
  launch() {
    const out = openSync(join(state, "logs", `${this.name}.log`), "a");
    let child;
    if (this.name === front) {
      cluster.setupPrimary({ exec: join(this.dir, this.entry.file), execArgv: this.entry.execArgv, cwd: this.dir, stdio: ["ignore", out, out, "ipc"] });
      child = cluster.fork(this.env);
    } else {
      child = spawn(process.execPath, [...this.entry.execArgv, this.entry.file], { cwd: this.dir, env: { ...process.env, ...this.env }, stdio: ["ignore", out, out] });
    }
    closeSync(out);
    const proc = this.name === front ? child.process : child;
    const launched = { child, proc, pid: proc.pid, startedAt: Date.now(), exited: new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal }))) };
    writeFileSync(join(state, "pids", this.name), `${launched.pid}\n`);
    launched.exited.then((how) => this.onExit(launched, how));
    log("info", "started", { name: this.name, pid: launched.pid });
    return launched;
  }

  onExit(launched, { code, signal }) {
    if (launched !== this.process) return; // an old process we replaced on purpose
    this.process = undefined;
    if (this.stopping) return;
    const upMs = Date.now() - launched.startedAt;
    this.crashes = upMs >= backoff.stableMs ? 1 : this.crashes + 1;
    const restartInMs = Math.min(backoff.firstMs * 2 ** (this.crashes - 1), backoff.maxMs);
    log("warn", "exited unexpectedly; restarting", { name: this.name, pid: launched.pid, code, signal, upMs, crashesInARow: this.crashes, restartInMs });
    setTimeout(() => {
      if (this.stopping || this.process) return;
      this.process = this.launch();
      const began = Date.now();
      this.waitReady(this.process).then(
        () => log("info", "back and ready", { name: this.name, pid: this.process?.pid, msSinceCrash: Date.now() - began + restartInMs }),
        (error) => log("error", "did not become ready after a crash", { name: this.name, error: error.message }),
      );
    }, restartInMs);
  }

  /** Until /readyz answers 200 (the front service: until the new worker listens, then /readyz), or fails. */
  async waitReady(launched) {
    const deadline = Date.now() + readyDeadlineMs;
    let gone = false;
    launched.exited.then(() => (gone = true));
    if (this.name === front) {
      const listening = new Promise((resolve) => launched.child.once("listening", resolve));
      const outcome = await Promise.race([listening.then(() => "listening"), launched.exited.then(() => "exited"), delay(readyDeadlineMs).then(() => "timeout")]);
      if (outcome !== "listening") throw new Error(`${this.name} ${outcome} before it listened`);
    }
    for (;;) {
      if (gone) throw new Error(`${this.name} exited before it was ready (see logs/${this.name}.log)`);
      const ok = await fetch(`http://127.0.0.1:${this.httpPort}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${readyDeadlineMs} ms`);
      await delay(100);
    }
  }

  /** SIGTERM (the service drains and exits), SIGKILL if it is still there after the deadline. */
  async stopProcess(launched) {
    launched.proc.kill("SIGTERM");
    const outcome = await Promise.race([launched.exited, delay(stopDeadlineMs).then(() => undefined)]);
    if (outcome) return outcome;
    log("warn", "did not stop in time; killing", { name: this.name, pid: launched.pid });
    process.kill(launched.pid, "SIGKILL");
    return launched.exited;
  }

  async start() {
    this.stopping = false;
    this.process = this.launch();
    await this.waitReady(this.process);
    log("info", "ready", { name: this.name, pid: this.process.pid });
  }

  /** A new process in place of the old: the front one takes over before the old one drains; the others stop, then start. */
  async restart() {
    const old = this.process;
    const began = Date.now();
    if (this.name === front) {
      this.process = this.launch();
      await this.waitReady(this.process);
      if (old) await this.stopProcess(old);
    } else {
      this.process = undefined; // so its exit is not taken for a crash
      if (old) {
        const how = await this.stopProcess(old);
        log("info", "stopped for restart", { name: this.name, pid: old.pid, ...how });
      }
      this.process = this.launch();
      await this.waitReady(this.process);
    }
    log("info", "restarted and ready", { name: this.name, pid: this.process.pid, ms: Date.now() - began });
    return { name: this.name, pid: this.process.pid, ms: Date.now() - began };
  }

  async stop() {
    this.stopping = true;
    const running = this.process;
    if (!running) return;
    const how = await this.stopProcess(running);
    this.process = undefined;
    rmSync(join(state, "pids", this.name), { force: true });
    log("info", "stopped", { name: this.name, pid: running.pid, ...how });
  }
}

async function daemon(specs) {
  mkdirSync(join(state, "logs"), { recursive: true });
  mkdirSync(join(state, "pids"), { recursive: true });
  const services = specs.map((spec) => {
    const [name, http, grpc] = spec.split(":");
    if (!name || !Number(http)) throw new Error(`bad service "${spec}": expected name:httpPort[:grpcPort]`);
    return new Service(name, Number(http), grpc ? Number(grpc) : undefined);
  });
  cluster.schedulingPolicy = cluster.SCHED_RR; // the primary accepts and hands each connection to a worker
  log("info", "supervising", { pid: process.pid, services: specs });

  // One restart or stop at a time: each waits for the one before.
  let queue = Promise.resolve();
  const serial = (work) => (queue = queue.then(work, work));
  const restart = (names, report = () => undefined) =>
    serial(async () => {
      const chosen = names.length ? services.filter((s) => names.includes(s.name)) : services;
      if (chosen.length !== (names.length || services.length)) throw new Error(`unknown service in ${names.join(", ")}`);
      for (const service of chosen) {
        report({ restarting: service.name });
        report({ restarted: await service.restart() });
      }
    });
  let stopping = false;
  const stopAll = (signal) => {
    if (stopping) return;
    stopping = true;
    log("info", "stopping every service", { signal });
    serial(async () => {
      for (const service of [...services].reverse()) await service.stop();
      server.close();
      rmSync(socketPath, { force: true });
      log("info", "all stopped");
      process.exit(0);
    });
  };

  rmSync(socketPath, { force: true });
  const server = createServer((socket) => {
    let line = "";
    socket.on("data", (chunk) => {
      line += chunk.toString();
      if (!line.includes("\n")) return;
      const [command, ...names] = line.trim().split(/\s+/);
      const send = (message) => socket.writable && socket.write(`${JSON.stringify(message)}\n`);
      if (command !== "restart") return void socket.end(`${JSON.stringify({ done: true, ok: false, error: `unknown command ${command}` })}\n`);
      log("info", "restart requested", { names });
      restart(names, send).then(
        () => socket.end(`${JSON.stringify({ done: true, ok: true })}\n`),
        (error) => {
          log("error", "restart failed", { error: error.message });
          socket.end(`${JSON.stringify({ done: true, ok: false, error: error.message })}\n`);
        },
      );
    });
    socket.on("error", () => undefined);
  });
  server.listen(socketPath);

  process.on("SIGTERM", () => stopAll("SIGTERM"));
  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGHUP", () => {
    log("info", "SIGHUP: restarting every service one at a time");
    restart([]).catch((error) => log("error", "restart failed", { error: error.message }));
  });

  const started = await Promise.allSettled(services.map((s) => s.start()));
  started.forEach((result, i) => result.status === "rejected" && log("error", "did not start", { name: services[i].name, error: result.reason.message }));
}

// ---- the client: npm run restart --------------------------------------------------------------

function ask(command) {
  const socket = createConnection(socketPath);
  let buffer = "";
  socket.on("error", (error) => {
    console.error(`[restart] no supervisor at ${socketPath} (${error.code}): is the platform running? (npm start)`);
    process.exit(1);
  });
  socket.on("connect", () => socket.write(`${command}\n`));
  socket.on("close", () => {
    console.error("[restart] the supervisor hung up before the restart finished");
    process.exit(1);
  });
  socket.on("data", (chunk) => {
    buffer += chunk.toString();
    for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
      const message = JSON.parse(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      if (message.restarting) console.error(`[restart] ${message.restarting}: restarting`);
      if (message.restarted) console.error(`[restart] ${message.restarted.name}: ready again in ${message.restarted.ms} ms (pid ${message.restarted.pid})`);
      if (message.done) {
        console.error(message.ok ? "[restart] every service restarted, one at a time" : `[restart] failed: ${message.error}`);
        process.exit(message.ok ? 0 : 1);
      }
    }
  });
}

if (cluster.isPrimary) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === "run") {
    daemon(rest).catch((error) => {
      log("fatal", "supervisor failed", { error: error.message });
      process.exit(1);
    });
  } else if (mode === "restart") {
    ask(["restart", ...rest].join(" "));
  } else {
    console.error("usage: supervisor.mjs run name:httpPort[:grpcPort] ... | restart [name ...]");
    process.exit(2);
  }
}
