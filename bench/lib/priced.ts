// One kind of operation run `ops` times, `inFlight` at a time, timed and priced in the CPU of the
// processes named (utime + stime from /proc): the store baselines of bench/store and bench/workflow.
import { cpuWindow } from "./cpu.js";
import { percentiles } from "./report.js";

export interface Priced {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** µs of the engine's CPU per operation (undefined when its process is not known). */
  engineCpuUsPerOp: number;
  loadGeneratorCpuUsPerOp: number;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function priced(enginePid: number | undefined, ops: number, inFlight: number, one: (i: number) => Promise<unknown>): Promise<Priced> {
  const latencies: number[] = [];
  let next = 0;
  const cpu = cpuWindow({ engine: enginePid });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < ops; i = next++) {
        const at = performance.now();
        await one(i);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = cpu();
  const { p50, p99 } = percentiles(latencies);
  return {
    perSecond: round(ops / seconds),
    p50Ms: p50,
    p99Ms: p99,
    engineCpuUsPerOp: round(((used.engine ?? Number.NaN) * 1000) / ops),
    loadGeneratorCpuUsPerOp: round((used["load generator (this process)"]! * 1000) / ops),
  };
}
