import { describe, expect, it } from "vitest";
import { afterAttempt, defaultRetry, matches, nextAttempt, sign, verifySignature } from "../src/webhooks/domain.js";

const event = { type: "kepu.dispatch.v1.OrderSubmitted", path: ["sz", "sz-futian", "sz-futian-yuanling", "c1"] };

describe("which subscription an event goes to", () => {
  it.each([
    ["the subtree's org, every type", { enabled: true, orgId: "sz-futian", eventTypes: [] }, true],
    ["the event's own org", { enabled: true, orgId: "c1", eventTypes: [] }, true],
    ["another district", { enabled: true, orgId: "sz-luohu", eventTypes: [] }, false],
    ["the subscribed type", { enabled: true, orgId: "sz", eventTypes: ["kepu.dispatch.v1.OrderSubmitted"] }, true],
    ["another type", { enabled: true, orgId: "sz", eventTypes: ["kepu.dispatch.v1.OrderAccepted"] }, false],
    ["everything (an admin's)", { enabled: true, orgId: "", eventTypes: [] }, true],
    ["disabled", { enabled: false, orgId: "", eventTypes: [] }, false],
  ])("%s", (_name, subscription, expected) => {
    expect(matches(subscription, event)).toBe(expected);
  });

  it("an event placed nowhere goes only to subscriptions of everything", () => {
    expect(matches({ enabled: true, orgId: "sz", eventTypes: [] }, { type: "x", path: [] })).toBe(false);
    expect(matches({ enabled: true, orgId: "", eventTypes: [] }, { type: "x", path: [] })).toBe(true);
  });
});

describe("the signature", () => {
  const at = new Date("2027-05-01T01:00:00Z");
  const body = JSON.stringify({ eventId: "e1", type: "t" });
  const header = sign("secret", body, at);

  it("verifies the body it signed, within the replay window", () => {
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature("secret", header, body, new Date(at.getTime() + 299_000)).ok).toBe(true);
  });
  it.each([
    ["another body", "secret", body.replace("e1", "e2"), 0, "SIGNATURE_MISMATCH"],
    ["another secret", "other", body, 0, "SIGNATURE_MISMATCH"],
    ["replayed after the window", "secret", body, 301_000, "SIGNATURE_EXPIRED"],
    ["from the future", "secret", body, -301_000, "SIGNATURE_EXPIRED"],
  ])("refuses %s", (_name, secret, b, shift, code) => {
    const verdict = verifySignature(secret, header, b, new Date(at.getTime() + shift));
    expect(verdict.ok ? "ok" : verdict.error.code).toBe(code);
  });
  it("refuses a malformed header", () => {
    const verdict = verifySignature("secret", "v1=abc", body, at);
    expect(verdict.ok ? "ok" : verdict.error.code).toBe("SIGNATURE_MALFORMED");
  });
});

describe("retries and disabling", () => {
  const created = new Date("2027-05-01T00:00:00Z");
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [10, 3_600_000], // capped at an hour
  ])("after %i failures the next try waits %i ms", (failures, delay) => {
    expect(nextAttempt(created, failures, created, defaultRetry)!.getTime() - created.getTime()).toBe(delay);
  });
  it("gives up once the next try would fall past 24 h from the delivery's creation", () => {
    const late = new Date(created.getTime() + 23.5 * 3_600_000);
    expect(nextAttempt(created, 12, late, defaultRetry)).toBeUndefined();
    expect(nextAttempt(created, 1, late, defaultRetry)).toBeDefined();
  });
  it.each([
    [0, false, 3, 1, false],
    [2, false, 3, 3, true],
    [2, true, 3, 0, false],
  ])("%i failures, then success=%s with N=%i: %i failures, disabled=%s", (before, ok, max, after, disable) => {
    expect(afterAttempt(before, ok, max)).toEqual({ consecutiveFailures: after, disable });
  });
});
