// The store floor of bench/workflow: what FerretDB's own `_id` operations per second allow, given the
// store operations one order life makes (counted by store-proxy.ts).

export interface StoreRates {
  insertPerSecond: number;
  updatePerSecond: number;
  findPerSecond: number;
}

type Kind = "insert" | "update" | "find" | "other";

/** The kind a counted command is priced as: writes at the update rate, reads (scans included) at the find rate. */
export function kindOf(key: string): Kind {
  const command = key.split(" ")[1] ?? "";
  if (command === "insert") return "insert";
  if (command === "update" || command === "delete" || command === "findAndModify") return "update";
  if (command === "find" || command === "count" || command === "aggregate" || command === "getMore" || command === "distinct") return "find";
  return "other";
}

/**
 * Ops per life by kind and by collection (only this run's databases, `<prefix>kepu_<service>`), and
 * the floor: lives/s ≤ 1 ÷ Σ (ops per life of a kind ÷ ops/s of that kind). Scans are priced as reads by
 * `_id` although they cost far more, so the floor is an upper bound on what the store allows.
 */
export function storeFloor(counts: Record<string, number>, lives: number, rates: StoreRates, prefix: string) {
  const ours = Object.entries(counts).filter(([key]) => key.startsWith(prefix));
  const per = (n: number) => Math.round((n / Math.max(1, lives)) * 100) / 100;
  const byKind: Record<Kind, number> = { insert: 0, update: 0, find: 0, other: 0 };
  const scans = ours.filter(([key]) => key.endsWith(" scan")).reduce((sum, [, n]) => sum + n, 0);
  for (const [key, n] of ours) byKind[kindOf(key)] += n;
  const secondsPerLife = per(byKind.insert) / rates.insertPerSecond + per(byKind.update) / rates.updatePerSecond + per(byKind.find + byKind.other) / rates.findPerSecond;
  const byCollection = Object.fromEntries(
    ours.sort((a, b) => b[1] - a[1]).map(([key, n]) => [key.slice(prefix.length), per(n)]),
  );
  return {
    opsPerLife: { total: per(ours.reduce((sum, [, n]) => sum + n, 0)), inserts: per(byKind.insert), updatesAndDeletes: per(byKind.update), reads: per(byKind.find), other: per(byKind.other), scans: per(scans) },
    opsPerLifeByCommand: byCollection,
    floorLivesPerSecond: secondsPerLife > 0 ? Math.round((1 / secondsPerLife) * 10) / 10 : Infinity,
    floorNote: "lives/s ≤ 1 ÷ Σ(ops per life of a kind ÷ FerretDB's ops/s of that kind by _id); scans priced as _id reads, so this floor is generous",
  };
}
