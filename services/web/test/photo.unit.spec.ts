import { describe, expect, it } from "vitest";
import { fitWithin } from "../src/domain/photo";

describe("fitWithin (photos shrunk before upload)", () => {
  it("fits a phone photo inside the box, keeping its shape", () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1200, height: 1600 });
  });

  it("never enlarges a small picture, and never rounds a side to nothing", () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(10_000, 2, 1600)).toEqual({ width: 1600, height: 1 });
  });
});
