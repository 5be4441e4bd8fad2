import { describe, expect, it } from "vitest";
import { grpcStatusOf, httpStatusOf, kepuError, kindOfGrpcStatus, toKepuError } from "../src/index.js";

describe("errors", () => {
  it("answers in Chinese first, then English", () => {
    const error = kepuError("conflict", "ORDER_ALREADY_ACCEPTED", "订单已被接单", "Order already accepted");
    expect(error.toBody()).toEqual({
      code: "ORDER_ALREADY_ACCEPTED",
      message: "订单已被接单 / Order already accepted",
      messageZh: "订单已被接单",
      messageEn: "Order already accepted",
    });
    expect(httpStatusOf(error.kind)).toBe(409);
  });

  it("round-trips every kind through its gRPC status", () => {
    for (const kind of ["invalid", "forbidden", "not_found", "conflict", "unavailable"] as const) {
      expect(kindOfGrpcStatus(grpcStatusOf(kind))).toBe(kind);
    }
  });

  it("hides the details of unexpected errors", () => {
    const error = toKepuError(new Error("connection string mongodb://secret"));
    expect(error.code).toBe("INTERNAL");
    expect(error.toBody().message).not.toContain("secret");
  });
});
