import { describe, expect, it } from "vitest";
import { holdSeats } from "../src/domain/merge-seats.js";

describe("merged demand: seats each ordering community holds (holdSeats)", () => {
  it.each([
    { name: "in proportion to the estimates", capacity: 60, communities: [["c1", 20], ["c3", 40]], seats: [["c1", 20], ["c3", 40]] },
    { name: "largest remainders take the odd seats", capacity: 10, communities: [["c1", 1], ["c2", 1], ["c3", 1]], seats: [["c1", 4], ["c2", 3], ["c3", 3]] },
    { name: "no estimates: evenly", capacity: 30, communities: [["c1", 0], ["c2", 0]], seats: [["c1", 15], ["c2", 15]] },
    { name: "every community holds one seat at least", capacity: 10, communities: [["c1", 1000], ["c2", 1]], seats: [["c1", 9], ["c2", 1]] },
    { name: "fewer seats than communities: the first ones", capacity: 1, communities: [["c1", 5], ["c2", 5]], seats: [["c1", 1], ["c2", 0]] },
    { name: "one community ordering twice holds once", capacity: 40, communities: [["c1", 10], ["c2", 10], ["c1", 20]], seats: [["c1", 30], ["c2", 10]] },
    { name: "no seats: none held", capacity: 0, communities: [["c1", 5]], seats: [["c1", 0]] },
  ] as const)("$name", ({ capacity, communities, seats }) => {
    const held = holdSeats(capacity, communities.map(([communityId, expected]) => ({ communityId, expected })));
    expect(held.map((h) => [h.communityId, h.seats])).toEqual(seats);
    if (capacity > 0) expect(held.reduce((sum, h) => sum + h.seats, 0)).toBe(capacity);
  });
});
