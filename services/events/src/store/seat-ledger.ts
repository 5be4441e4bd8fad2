import type { Redis } from "ioredis";
import { OPEN_SEAT, type DrawReason } from "../domain/seat-holds.js";
import type { KnownSeatsOf } from "../domain/known-seats.js";
import type { SeatHold } from "../domain/merge-seats.js";

// Seats are decided in Redis, one Lua script per booking or cancellation: each runs alone, so
// no concurrency can seat more people than there are seats, and the waitlist keeps arrival order.
// (FerretDB cannot do this: it does not isolate concurrent conditional updates of a document.)
// Keys per session: meta (capacity, until when holds count, seats held in all, open seats taken),
// holds (community → seats held for it), used (community → seats taken from its hold),
// booked (attendee → "bookingId|community|from", from = the hold's community or "*" for an open
// seat), wait (list of "attendee|bookingId|community"), waitmap (attendee → bookingId); per person
// (the attendee): the sessions they hold a booking in. The rule a seat follows is the one of
// domain/seat-holds.ts (drawSeat), written again here in Lua so that it runs atomically.

const drawLua = `
local function draw(meta, holds, used, booked, community, now)
  local capacity = tonumber(redis.call('HGET', meta, 'capacity'))
  if redis.call('HLEN', booked) >= capacity then return nil, 'full' end
  local priorityUntil = tonumber(redis.call('HGET', meta, 'priorityUntil') or '0')
  if now >= priorityUntil then return '${OPEN_SEAT}', '' end
  local held = tonumber(redis.call('HGET', holds, community) or '0')
  if held > 0 and tonumber(redis.call('HGET', used, community) or '0') < held then return community, '' end
  local heldTotal = tonumber(redis.call('HGET', meta, 'held') or '0')
  if tonumber(redis.call('HGET', meta, 'open') or '0') < capacity - heldTotal then return '${OPEN_SEAT}', '' end
  if held > 0 then return nil, 'hold_used' end
  return nil, 'held_for_others'
end
local function take(meta, used, from, change)
  if from == '${OPEN_SEAT}' then redis.call('HINCRBY', meta, 'open', change) else redis.call('HINCRBY', used, from, change) end
end
`;

const bookScript = `${drawLua}
local meta, holds, used, booked, wait, waitmap, person = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local attendee, bookingId, community, now, waitMax, personMax = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local seated = redis.call('HGET', booked, attendee)
if seated then return {'seated', string.match(seated, '^[^|]+'), 0, string.match(seated, '^[^|]+|[^|]*|(.*)$') or '${OPEN_SEAT}'} end
local waiting = redis.call('HGET', waitmap, attendee)
if waiting then return {'waitlisted', waiting, 0, ''} end
if not redis.call('HGET', meta, 'capacity') then return {'no_session', '', 0, ''} end
if redis.call('SCARD', person) >= personMax then return {'limit', '', 0, ''} end
local from, reason = draw(meta, holds, used, booked, community, now)
if from then
  redis.call('HSET', booked, attendee, bookingId .. '|' .. community .. '|' .. from)
  take(meta, used, from, 1)
  redis.call('SADD', person, meta)
  return {'seated', bookingId, 0, from}
end
local length = redis.call('LLEN', wait)
if length >= waitMax then return {'full', '', 0, reason} end
redis.call('RPUSH', wait, attendee .. '|' .. bookingId .. '|' .. community)
redis.call('HSET', waitmap, attendee, bookingId)
redis.call('SADD', person, meta)
return {'waitlisted', bookingId, length + 1, reason}
`;

// A freed seat goes back where it came from, then to the first in line who may take it now.
const cancelScript = `${drawLua}
local meta, holds, used, booked, wait, waitmap, person = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local attendee, now = ARGV[1], tonumber(ARGV[2])
local seated = redis.call('HGET', booked, attendee)
if seated then
  -- A seat booked before holds were kept ("bookingId|community") counts as an open one.
  local bookingId = string.match(seated, '^[^|]+')
  local from = string.match(seated, '^[^|]+|[^|]*|(.*)$') or '${OPEN_SEAT}'
  redis.call('HDEL', booked, attendee)
  redis.call('SREM', person, meta)
  take(meta, used, from, -1)
  for _, entry in ipairs(redis.call('LRANGE', wait, 0, -1)) do
    local a2, b2, c2 = string.match(entry, '^([^|]+)|([^|]+)|(.*)$')
    local from2 = draw(meta, holds, used, booked, c2, now)
    if from2 then
      redis.call('LREM', wait, 1, entry)
      redis.call('HDEL', waitmap, a2)
      redis.call('HSET', booked, a2, b2 .. '|' .. c2 .. '|' .. from2)
      take(meta, used, from2, 1)
      return {'cancelled', bookingId, b2, a2, from2}
    end
  end
  return {'cancelled', bookingId, '', '', ''}
end
local waiting = redis.call('HGET', waitmap, attendee)
if waiting then
  for _, entry in ipairs(redis.call('LRANGE', wait, 0, -1)) do
    if string.sub(entry, 1, string.len(attendee) + 1) == attendee .. '|' then redis.call('LREM', wait, 1, entry) break end
  end
  redis.call('HDEL', waitmap, attendee)
  redis.call('SREM', person, meta)
  return {'cancelled', waiting, '', '', ''}
end
return {'none', '', '', '', ''}
`;

// Opens a session: its capacity and holds, and (rebuilding it after Redis lost its keys) the seats
// and places in line the store knows of. A session already open keeps its seats; only a merge
// group's holds replace the single-priority hold it was opened with (an OrderAccepted redelivered
// after the activity was made without them).
const openScript = `
local meta, holds, used, booked, wait, waitmap = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local capacity, priorityUntil, holdsFrom, personPrefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local i = 5
local nHolds = tonumber(ARGV[i]); i = i + 1
local held, holdArgs = 0, {}
for _ = 1, nHolds do
  table.insert(holdArgs, ARGV[i]); table.insert(holdArgs, ARGV[i + 1])
  held = held + tonumber(ARGV[i + 1]); i = i + 2
end
local function writeHolds()
  redis.call('DEL', holds)
  if #holdArgs > 0 then redis.call('HSET', holds, unpack(holdArgs)) end
  redis.call('HSET', meta, 'held', held, 'holdsFrom', holdsFrom)
end
if redis.call('EXISTS', meta) == 1 then
  if holdsFrom == 'merge' and redis.call('HGET', meta, 'holdsFrom') ~= 'merge' then writeHolds() return 'holds' end
  return 'open'
end
redis.call('HSET', meta, 'capacity', capacity, 'priorityUntil', priorityUntil, 'open', 0)
writeHolds()
local nSeated = tonumber(ARGV[i]); i = i + 1
for _ = 1, nSeated do
  local attendee, bookingId, community, from = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]; i = i + 4
  redis.call('HSET', booked, attendee, bookingId .. '|' .. community .. '|' .. from)
  if from == '${OPEN_SEAT}' then redis.call('HINCRBY', meta, 'open', 1) else redis.call('HINCRBY', used, from, 1) end
  redis.call('SADD', personPrefix .. attendee, meta)
end
local nWaiting = tonumber(ARGV[i]); i = i + 1
for _ = 1, nWaiting do
  local attendee, bookingId, community = ARGV[i], ARGV[i + 1], ARGV[i + 2]; i = i + 3
  redis.call('RPUSH', wait, attendee .. '|' .. bookingId .. '|' .. community)
  redis.call('HSET', waitmap, attendee, bookingId)
  redis.call('SADD', personPrefix .. attendee, meta)
end
return 'opened'
`;

export type BookOutcome =
  /** `from`: the community whose hold the seat came from, or "*" for an open seat. */
  | { kind: "seated"; bookingId: string; from: string }
  /** `reason`: why none of the free seats was hers ("" when the session is simply full). */
  | { kind: "waitlisted"; bookingId: string; position: number; reason: DrawReason | "" }
  | { kind: "full"; reason: DrawReason | "" }
  | { kind: "limit" }
  | { kind: "no_session" };

export type CancelOutcome = { kind: "none" } | { kind: "cancelled"; bookingId: string; promoted?: { bookingId: string; attendeeId: string; from: string } };

export interface SessionSeats {
  capacity: number;
  /** Seats held per community until `priorityUntil`; one hold is the ordering community's share. */
  holds: readonly SeatHold[];
  /** Where the holds come from: a merge group's replace a single-priority hold already loaded. */
  holdsFrom: "merge" | "priority";
  priorityUntil: Date;
}

/** Seats and places in line the store knows of, to rebuild a session Redis has lost. */
export type KnownSeats = KnownSeatsOf;

type Script<T> = (...args: unknown[]) => Promise<T>;

export class SeatLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand("kepuBook", { numberOfKeys: 7, lua: bookScript });
    redis.defineCommand("kepuCancel", { numberOfKeys: 7, lua: cancelScript });
    redis.defineCommand("kepuOpenSeats", { numberOfKeys: 6, lua: openScript });
  }

  private script<T>(name: string): Script<T> {
    const run = (this.redis as unknown as Record<string, Script<T>>)[name]!;
    return (...args) => run.call(this.redis, ...args);
  }

  private sessionKeys(sessionId: string): string[] {
    const base = `${this.prefix}seats:${sessionId}`;
    return [`${base}:meta`, `${base}:holds`, `${base}:used`, `${base}:booked`, `${base}:wait`, `${base}:waitmap`];
  }

  private keys(sessionId: string, attendeeId: string): string[] {
    return [...this.sessionKeys(sessionId), `${this.prefix}person:${attendeeId}`];
  }

  /**
   * Opens a session's seats, with the seats and places the store knows of when Redis lost them;
   * opening it again changes nothing (but loads a merge group's holds over a single-priority one).
   */
  async openSession(sessionId: string, seats: SessionSeats, known: KnownSeats = { seated: [], waiting: [] }): Promise<"opened" | "open" | "holds"> {
    const holds = seats.holds.filter((h) => h.seats > 0).flatMap((h) => [h.communityId, h.seats]);
    const seated = known.seated.flatMap((s) => [s.attendeeId, s.bookingId, s.communityId, s.from || OPEN_SEAT]);
    const waiting = known.waiting.flatMap((w) => [w.attendeeId, w.bookingId, w.communityId]);
    return this.script<"opened" | "open" | "holds">("kepuOpenSeats")(
      ...this.sessionKeys(sessionId),
      seats.capacity,
      seats.priorityUntil.getTime(),
      seats.holdsFrom,
      `${this.prefix}person:`,
      holds.length / 2,
      ...holds,
      known.seated.length,
      ...seated,
      known.waiting.length,
      ...waiting,
    );
  }

  /** A seat (or place in line) for the attendee — the resident, or a child she books for — counted against the attendee's limit. */
  async book(sessionId: string, attendeeId: string, bookingId: string, communityId: string, now: Date, limits: { waitlist: number; perPerson: number }): Promise<BookOutcome> {
    // The fourth answer: where the seat came from when seated, why none was hers otherwise.
    const [kind, id, position, fromOrReason] = await this.script<[string, string, number, string]>("kepuBook")(...this.keys(sessionId, attendeeId), attendeeId, bookingId, communityId, now.getTime(), limits.waitlist, limits.perPerson);
    if (kind === "seated") return { kind, bookingId: id, from: fromOrReason };
    const why = fromOrReason as DrawReason | "";
    if (kind === "waitlisted") return { kind, bookingId: id, position, reason: why };
    if (kind === "full") return { kind, reason: why };
    return { kind: kind as "limit" | "no_session" };
  }

  /** Frees the attendee's seat (or place in line); the seat goes to the first in line who may take it at `now`. */
  async cancel(sessionId: string, attendeeId: string, now: Date): Promise<CancelOutcome> {
    const [kind, bookingId, promotedBooking, promotedAttendee, from] = await this.script<[string, string, string, string, string]>("kepuCancel")(...this.keys(sessionId, attendeeId), attendeeId, now.getTime());
    if (kind !== "cancelled") return { kind: "none" };
    return { kind, bookingId, ...(promotedBooking ? { promoted: { bookingId: promotedBooking, attendeeId: promotedAttendee, from } } : {}) };
  }

  async counts(sessionId: string): Promise<{ taken: number; waiting: number }> {
    const base = `${this.prefix}seats:${sessionId}`;
    const [taken, waiting] = await Promise.all([this.redis.hlen(`${base}:booked`), this.redis.llen(`${base}:wait`)]);
    return { taken, waiting };
  }

  /** The waitlist in arrival order (booking ids). */
  async waitlist(sessionId: string): Promise<string[]> {
    const entries = await this.redis.lrange(`${this.prefix}seats:${sessionId}:wait`, 0, -1);
    return entries.map((e) => e.split("|")[1] ?? "");
  }
}
