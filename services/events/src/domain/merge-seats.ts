// Merged demand (合并需求): one activity for the orders of neighbouring communities holds seats for
// each ordering community. Pure rule: the capacity is split in proportion to each community's
// expected participants (largest remainders first, ties by the order of the group), every
// community holding one seat at least while there are seats; no estimate anywhere splits evenly.

export interface OrderingCommunity {
  communityId: string;
  expected: number;
}

export interface SeatHold {
  communityId: string;
  seats: number;
}

export function holdSeats(capacity: number, communities: readonly OrderingCommunity[]): SeatHold[] {
  // One community ordering twice holds once, for both estimates.
  const merged = new Map<string, number>();
  for (const c of communities) merged.set(c.communityId, (merged.get(c.communityId) ?? 0) + Math.max(0, c.expected));
  const entries = [...merged.entries()];
  const seats = Math.max(0, Math.floor(capacity));
  if (entries.length === 0 || seats === 0) return entries.map(([communityId]) => ({ communityId, seats: 0 }));
  const total = entries.reduce((sum, [, e]) => sum + e, 0);
  const weights = entries.map(([, e]) => (total > 0 ? e / total : 1 / entries.length));
  // One seat each first (while seats last), the rest by weight.
  const floor = entries.map((_, i): number => (i < seats ? 1 : 0));
  const rest = seats - Math.min(seats, entries.length);
  const shares = weights.map((w) => w * rest);
  const held = shares.map((s, i) => floor[i]! + Math.floor(s));
  let left = seats - held.reduce((a, b) => a + b, 0);
  const byRemainder = shares.map((s, i) => ({ i, r: s - Math.floor(s) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    held[i]! += 1;
    left--;
  }
  return entries.map(([communityId], i) => ({ communityId, seats: held[i]! }));
}
