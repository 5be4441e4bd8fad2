import { describe, expect, it } from "vitest";
import { BusProbedSchema } from "@kepu/contracts/common/v1/probe_pb";
import { decodeEnvelope, newEvent, toOutgoing } from "../src/index.js";

describe("a message for Kafka", () => {
  it("is keyed by the aggregate and carries the envelope alone: no headers repeating its fields", () => {
    const event = newEvent(BusProbedSchema, { sequence: 7n }, { source: "test", aggregateId: "order-1", aggregateVersion: 3, correlationId: "c-1" });
    const message = toOutgoing("kepu.test", event);
    expect(message.key).toBe("order-1");
    expect(message.headers).toEqual({});
    const decoded = decodeEnvelope(message.value);
    expect({ ...decoded, payload: new Uint8Array(decoded.payload) }).toEqual(event);
  });
});
