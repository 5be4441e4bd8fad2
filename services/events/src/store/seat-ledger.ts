import type { Redis } from "ioredis";

// Seats are decided in Redis, one Lua script per booking or cancellation: each runs alone, so
// no concurrency can seat more people than there are seats, and the waitlist keeps arrival order.
// (FerretDB cannot do this: it does not isolate concurrent conditional updates of a document.)
// Keys per session: meta (capacity, reserved seats and who they are for, until when, seats held
// by others), booked (resident → "bookingId|community"), wait (list of "resident|bookingId|community"),
// waitmap (resident → bookingId); per person: the sessions they hold a booking in.

const bookScript = `
local meta, booked, wait, waitmap, person = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local resident, bookingId, community, now, waitMax, personMax = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local seated = redis.call('HGET', booked, resident)
if seated then return {'seated', string.match(seated, '^[^|]+'), 0} end
local waiting = redis.call('HGET', waitmap, resident)
if waiting then return {'waitlisted', waiting, 0} end
local capacity = tonumber(redis.call('HGET', meta, 'capacity'))
if not capacity then return {'no_session', '', 0} end
if redis.call('SCARD', person) >= personMax then return {'limit', '', 0} end
local reserved = tonumber(redis.call('HGET', meta, 'reserved') or '0')
local priority = redis.call('HGET', meta, 'priorityCommunity') or ''
local priorityUntil = tonumber(redis.call('HGET', meta, 'priorityUntil') or '0')
local others = tonumber(redis.call('HGET', meta, 'others') or '0')
local isPriority = priority ~= '' and priority == community
local othersMax = capacity
if now < priorityUntil then othersMax = capacity - reserved end
if redis.call('HLEN', booked) < capacity and (isPriority or others < othersMax) then
  redis.call('HSET', booked, resident, bookingId .. '|' .. community)
  if not isPriority then redis.call('HINCRBY', meta, 'others', 1) end
  redis.call('SADD', person, meta)
  return {'seated', bookingId, 0}
end
local length = redis.call('LLEN', wait)
if length >= waitMax then return {'full', '', 0} end
redis.call('RPUSH', wait, resident .. '|' .. bookingId .. '|' .. community)
redis.call('HSET', waitmap, resident, bookingId)
redis.call('SADD', person, meta)
return {'waitlisted', bookingId, length + 1}
`;

const cancelScript = `
local meta, booked, wait, waitmap, person = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local resident, personPrefix = ARGV[1], ARGV[2]
local priority = redis.call('HGET', meta, 'priorityCommunity') or ''
local seated = redis.call('HGET', booked, resident)
if seated then
  local bookingId, community = string.match(seated, '^([^|]+)|(.*)$')
  redis.call('HDEL', booked, resident)
  redis.call('SREM', person, meta)
  if community ~= priority then redis.call('HINCRBY', meta, 'others', -1) end
  local nextInLine = redis.call('LPOP', wait)
  if not nextInLine then return {'cancelled', bookingId, '', ''} end
  local r2, b2, c2 = string.match(nextInLine, '^([^|]+)|([^|]+)|(.*)$')
  redis.call('HDEL', waitmap, r2)
  redis.call('HSET', booked, r2, b2 .. '|' .. c2)
  if c2 ~= priority then redis.call('HINCRBY', meta, 'others', 1) end
  return {'cancelled', bookingId, b2, r2}
end
local waiting = redis.call('HGET', waitmap, resident)
if waiting then
  for _, entry in ipairs(redis.call('LRANGE', wait, 0, -1)) do
    if string.sub(entry, 1, string.len(resident) + 1) == resident .. '|' then redis.call('LREM', wait, 1, entry) break end
  end
  redis.call('HDEL', waitmap, resident)
  redis.call('SREM', person, meta)
  return {'cancelled', waiting, '', ''}
end
return {'none', '', '', ''}
`;

export type BookOutcome =
  | { kind: "seated"; bookingId: string }
  | { kind: "waitlisted"; bookingId: string; position: number }
  | { kind: "full" }
  | { kind: "limit" }
  | { kind: "no_session" };

export type CancelOutcome = { kind: "none" } | { kind: "cancelled"; bookingId: string; promoted?: { bookingId: string; residentId: string } };

export interface SessionSeats {
  capacity: number;
  /** Seats kept for the community that ordered the activity, until `priorityUntil`. */
  reserved: number;
  priorityCommunity: string;
  priorityUntil: Date;
}

export class SeatLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand("kepuBook", { numberOfKeys: 5, lua: bookScript });
    redis.defineCommand("kepuCancel", { numberOfKeys: 5, lua: cancelScript });
  }

  private keys(sessionId: string, residentId: string): string[] {
    const base = `${this.prefix}seats:${sessionId}`;
    return [`${base}:meta`, `${base}:booked`, `${base}:wait`, `${base}:waitmap`, `${this.prefix}person:${residentId}`];
  }

  /** Opens a session's seats; opening it again changes nothing. */
  async openSession(sessionId: string, seats: SessionSeats): Promise<void> {
    const meta = `${this.prefix}seats:${sessionId}:meta`;
    await this.redis
      .multi()
      .hsetnx(meta, "capacity", seats.capacity)
      .hsetnx(meta, "reserved", seats.reserved)
      .hsetnx(meta, "priorityCommunity", seats.priorityCommunity)
      .hsetnx(meta, "priorityUntil", seats.priorityUntil.getTime())
      .hsetnx(meta, "others", 0)
      .exec();
  }

  async book(sessionId: string, residentId: string, bookingId: string, communityId: string, now: Date, limits: { waitlist: number; perPerson: number }): Promise<BookOutcome> {
    const run = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<[string, string, number]>>).kepuBook!;
    const [kind, id, position] = await run.call(this.redis, ...this.keys(sessionId, residentId), residentId, bookingId, communityId, now.getTime(), limits.waitlist, limits.perPerson);
    if (kind === "seated") return { kind, bookingId: id };
    if (kind === "waitlisted") return { kind, bookingId: id, position };
    return { kind: kind as "full" | "limit" | "no_session" };
  }

  async cancel(sessionId: string, residentId: string): Promise<CancelOutcome> {
    const run = (this.redis as unknown as Record<string, (...args: unknown[]) => Promise<[string, string, string, string]>>).kepuCancel!;
    const [kind, bookingId, promotedBooking, promotedResident] = await run.call(this.redis, ...this.keys(sessionId, residentId), residentId, "");
    if (kind !== "cancelled") return { kind: "none" };
    return { kind, bookingId, ...(promotedBooking ? { promoted: { bookingId: promotedBooking, residentId: promotedResident } } : {}) };
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
