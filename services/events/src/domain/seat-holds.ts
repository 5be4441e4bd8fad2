// Seats held for communities (预留名额): which seat a booking draws on, and what is left. The Redis
// ledger (store/seat-ledger.ts) applies the same rule inside its Lua script, atomically; this is
// the rule stated once in TypeScript, tested by itself and against the ledger.
//
// Until the priority window ends (priorityUntil, some hours before the session starts) each
// holding community's residents draw first on their own hold, then on the seats nobody holds;
// residents of any other community only on the seats nobody holds. From then on every free seat
// is open to all. A seat freed by a cancellation goes back where it came from.
// One hold is the single-priority case: the ordering community keeps a share of the seats.
import type { SeatHold } from "./merge-seats.js";

/** Where a seat came from: a community's hold (its id), or the seats nobody holds. */
export const OPEN_SEAT = "*";

export interface SeatState {
  capacity: number;
  /** Seats held per community (only holds of one seat or more). */
  holds: Readonly<Record<string, number>>;
  /** Seats taken from each community's hold. */
  used: Readonly<Record<string, number>>;
  /** Seats taken from the open seats (nobody's hold, or any seat after the window). */
  open: number;
  /** Seats taken in all. */
  taken: number;
  priorityUntil: Date;
}

export type DrawReason = "full" | "hold_used" | "held_for_others";
export type Draw = { ok: true; from: string } | { ok: false; reason: DrawReason };

const heldTotal = (state: SeatState) => Object.values(state.holds).reduce((sum, n) => sum + n, 0);

/** The seat a resident of `communityId` would take now, or why there is none for her. */
export function drawSeat(state: SeatState, communityId: string, now: Date): Draw {
  if (state.taken >= state.capacity) return { ok: false, reason: "full" };
  if (now >= state.priorityUntil) return { ok: true, from: OPEN_SEAT };
  const held = state.holds[communityId] ?? 0;
  if (held > 0 && (state.used[communityId] ?? 0) < held) return { ok: true, from: communityId };
  if (state.open < state.capacity - heldTotal(state)) return { ok: true, from: OPEN_SEAT };
  return { ok: false, reason: held > 0 ? "hold_used" : "held_for_others" };
}

/** The seats a resident of `communityId` could still take now: her hold's rest and the open seats. */
export function seatsLeftFor(state: SeatState, communityId: string, now: Date): number {
  const free = Math.max(0, state.capacity - state.taken);
  if (now >= state.priorityUntil) return free;
  const held = state.holds[communityId] ?? 0;
  const ownLeft = Math.max(0, held - (state.used[communityId] ?? 0));
  const openLeft = Math.max(0, state.capacity - heldTotal(state) - state.open);
  return Math.min(free, ownLeft + openLeft);
}

/** The state after a seat is taken from `from` (drawSeat's answer) or given back to it (a cancellation). */
export function moveSeat(state: SeatState, from: string, change: 1 | -1): SeatState {
  if (from === OPEN_SEAT) return { ...state, open: state.open + change, taken: state.taken + change };
  return { ...state, used: { ...state.used, [from]: (state.used[from] ?? 0) + change }, taken: state.taken + change };
}

/**
 * The holds of one session. A merge group's activity: its communities' holds (recorded on the whole
 * activity's capacity), scaled to this session's capacity; otherwise the ordering community's
 * share of it (priorityShare), or no hold for an activity nobody ordered.
 */
export function sessionHolds(input: { capacity: number; priorityCommunityId: string; priorityShare: number; merged?: { capacity: number; holds: readonly SeatHold[] } }): SeatHold[] {
  const capacity = Math.max(0, Math.floor(input.capacity));
  if (input.merged && input.merged.holds.length > 0) {
    const scale = input.merged.capacity > 0 ? capacity / input.merged.capacity : 0;
    const scaled = input.merged.holds.map((h) => ({ communityId: h.communityId, seats: Math.floor(h.seats * scale) }));
    return scaled.filter((h) => h.communityId !== "" && h.seats > 0);
  }
  const reserved = input.priorityCommunityId ? Math.floor(capacity * input.priorityShare) : 0;
  return reserved > 0 ? [{ communityId: input.priorityCommunityId, seats: reserved }] : [];
}
