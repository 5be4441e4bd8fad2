import { describe, expect, it } from "vitest";
import { applyUpdate } from "../src/index.js";

describe("applyUpdate (in memory, as the database would)", () => {
  it("sets, increments from nothing, and keeps the earliest with $min", () => {
    const t1 = new Date("2026-09-01T08:00:00Z");
    const t0 = new Date("2026-09-01T07:00:00Z");
    let doc = applyUpdate({ _id: "o1" }, { $set: { status: "SUBMITTED" }, $inc: { declines: 0 } });
    doc = applyUpdate(doc, { $set: { status: "DISPATCHED" }, $min: { dispatchedAt: t1 }, $inc: { declines: 1 } });
    doc = applyUpdate(doc, { $min: { dispatchedAt: t0 } });
    doc = applyUpdate(doc, { $min: { dispatchedAt: t1 }, $inc: { declines: 2 } });
    expect(doc).toEqual({ _id: "o1", status: "DISPATCHED", declines: 3, dispatchedAt: t0 });
  });

  it("refuses an operator it does not implement instead of ignoring it", () => {
    expect(() => applyUpdate({}, { $push: { list: 1 } } as never)).toThrow(/\$push is not supported/);
  });
});
