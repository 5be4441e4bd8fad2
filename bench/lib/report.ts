import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

/** Latency percentiles in milliseconds from raw samples. */
export function percentiles(samplesMs: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

/**
 * Writes bench/results/<name>.json (figures, machine, versions, date) and prints the rows as a
 * table, so a run is both recorded and readable.
 */
export function writeResult(name: string, result: Record<string, unknown>, rows: Record<string, string | number>[]): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = `${resultsDir}${name}.json`;
  writeFileSync(path, JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), ...result }, null, 2) + "\n");
  console.table(rows);
  console.log(`written ${path}`);
  return path;
}
