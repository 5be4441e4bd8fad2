// Per-process CPU time from /proc and the top self-time frames of V8 CPU profiles, for bench/workflow.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** utime + stime of the processes (their threads included; children that exited and were waited for too). */
export function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // the process ended
    }
  }
  return ticks;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * For each profile (CPU.<date>.<pid>.<tid>.<seq>.cpuprofile, named after its service by pid): total
 * sampled ms and the 12 frames with the most self time, as "function file:line" → ms.
 */
export function topSelfFrames(dir: string, files: string[], pids: Record<string, number>): Record<string, { sampledMs: number; top: Record<string, number> }> {
  const out: Record<string, { sampledMs: number; top: Record<string, number> }> = {};
  for (const file of files.filter((f) => f.endsWith(".cpuprofile"))) {
    const pid = Number(file.split(".")[2]);
    const name = Object.entries(pids).find(([, p]) => p === pid)?.[0] ?? `pid ${pid}`;
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const where = frame.url ? `${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}` : "";
      const key = `${frame.functionName || "(anonymous)"} ${where}`.trim();
      selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const top = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 12);
    out[name] = { sampledMs: Math.round((profile.endTime - profile.startTime) / 1000), top: Object.fromEntries(top.map(([k, us]) => [k, Math.round(us / 1000)])) };
  }
  return out;
}
