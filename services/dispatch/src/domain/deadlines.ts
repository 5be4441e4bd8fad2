/** How long each hop may take before the order escalates; configurable per district. */
export interface Deadlines {
  /** 派单: the holder must dispatch (or pool) within this many hours. */
  dispatchHours: number;
  /** 接单: invited teams must accept within this many hours. */
  acceptHours: number;
  /** 领单: the association must claim a pooled order within this many hours. */
  claimHours: number;
}

export type DeadlinesByDistrict = { default: Deadlines } & Record<string, Deadlines>;

export function deadlinesFor(table: DeadlinesByDistrict, districtId: string): Deadlines {
  return table[districtId] ?? table.default;
}

export function hoursAfter(now: Date, hours: number): Date {
  return new Date(now.getTime() + hours * 3_600_000);
}
