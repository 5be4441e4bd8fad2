import { describe, expect, it } from "vitest";
import { engineErrorOf, grpcStatusOf, httpStatusOf, kepuError, kindOfGrpcStatus, toKepuError } from "../src/index.js";

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

  it("tells a full disk from an internal error: retry later, nothing was saved (the words FerretDB answers with)", () => {
    const ferret = Object.assign(new Error("[msg_insert.go:168 handler.(*Handler).MsgInsert] [db.go:167 fsql.(*DB).InTransaction] database or disk is full (13)"), { name: "MongoServerError" });
    const error = toKepuError(ferret);
    expect(error.code).toBe("STORAGE_FULL");
    expect(error.kind).toBe("unavailable");
    expect(error.toBody().message).toBe("存储空间已满，本次操作未保存，请稍后重试 / Storage is full: nothing was saved, please retry later");
    expect(engineErrorOf(new Error("E11000 duplicate key"))).toBeUndefined();
  });

  it("tells Redis or the store being unreachable from an internal error (the consumer waits it out instead of dead-lettering)", () => {
    expect(engineErrorOf(new Error("Stream isn't writeable and enableOfflineQueue options is false"))?.kind).toBe("unavailable");
    expect(engineErrorOf(Object.assign(new Error("connection 8 to 127.0.0.1:28027 closed"), { name: "MongoNetworkError" }))?.code).toBe("ENGINE_UNAVAILABLE");
    expect(engineErrorOf(new Error("Cannot read properties of undefined"))).toBeUndefined();
  });
});
