// What bench/scale's parts share: a list's summary at one size (its asks, the scan's, the
// mismatches) and issue 20's targets judged from the summaries of the smallest and largest sizes.
import { percentiles } from "../lib/report.js";

export function summary(samples: number[], scans: number[], compared: number, mismatches: number) {
  const p = percentiles(samples);
  const s = percentiles(scans);
  return { asks: samples.length, p50: p.p50, p99: p.p99, max: p.max, scans: scans.length, scanP50: s.p50, scanP99: s.p99, compared, mismatches };
}
export type Summary = ReturnType<typeof summary>;

/** Per list: p99 ≤ 50 ms at 1M (null below 1M), p99 at the largest size ≤ 2× the smallest's, no mismatch. */
export function scaleTargets(results: { size: number; lists: Record<string, Summary> }[]) {
  const sizes = results.map((r) => r.size);
  const at = (n: number) => results.find((r) => r.size === n)?.lists ?? {};
  const [smallest, largest] = [at(Math.min(...sizes)), at(Math.max(...sizes))];
  const targets = Object.fromEntries(
    Object.entries(largest).map(([list, big]) => {
      const small = smallest[list]!;
      return [
        list,
        {
          atSize: Math.max(...sizes),
          p99LE50ms: { value: big.p99, met: Math.max(...sizes) >= 1_000_000 ? big.p99 <= 50 : null },
          p99AtMostTwiceSmallest: { value: Math.round((big.p99 / small.p99) * 100) / 100, met: big.p99 <= 2 * small.p99 },
          ratioToScanP50: big.p50 > 0 ? Math.round(big.scanP50 / big.p50) : null,
          noMismatch: { met: big.mismatches === 0 },
        },
      ];
    }),
  );
  const totalMismatches = results.reduce((sum, r) => sum + Object.values(r.lists).reduce((m, s) => m + s.mismatches, 0), 0);
  return { targets, totalMismatches };
}
