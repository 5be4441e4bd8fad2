// CPU time of processes from /proc/<pid>/stat (utime + stime, every thread included), so the bench
// can say how many ms of CPU each process spent per attempt — valid while other work shares the machine.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU ms the process has used so far (undefined once it is gone). */
export function cpuMs(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields after its last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** The pid listening on a loopback TCP port (the shared engines), from `ss -ltnp`. */
export function listenerPid(port: number): number | undefined {
  const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const found = /pid=(\d+)/.exec(out);
  return found ? Number(found[1]) : undefined;
}

/** CPU ms of each named process between `start()` and the returned function's call. */
export function cpuWindow(pids: Record<string, number | undefined>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : cpuMs(pid)]));
  const self = process.cpuUsage();
  return () => {
    const used: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const end = pid === undefined ? undefined : cpuMs(pid);
      const start = before[name];
      if (end !== undefined && start !== undefined) used[name] = end - start;
    }
    const mine = process.cpuUsage(self);
    used["load generator (this process)"] = (mine.user + mine.system) / 1000;
    return used;
  };
}
