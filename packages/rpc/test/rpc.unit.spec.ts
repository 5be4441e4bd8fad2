import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError, isKepuError } from "@kepu/errors";
import { testCallKeys, testSigner, testVerifier } from "@kepu/testkit";
import { createRpcClient, DiagnosticsService, RpcServer } from "../src/index.js";

const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill("SIGTERM")));

function startFixture(): Promise<number> {
  const script = fileURLToPath(new URL("./fixtures/diagnostics-server.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, ...testCallKeys() } });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      const match = /port=(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`fixture exited with ${code}`)));
  });
}

describe("rpc", () => {
  it("calls a service in another process through the generated descriptors, carrying who and why", async () => {
    const port = await startFixture();
    const client = createRpcClient(DiagnosticsService, `127.0.0.1:${port}`, { signer: testSigner() });
    const response = await client.ping(
      { echo: "你好" },
      { actor: { id: "u-1", role: Role.COMMUNITY_WORKER, orgId: "futian-xiangmihu" }, correlationId: "corr-42" },
    );
    expect(response.service).toBe("fixture");
    expect(response.echo).toBe("你好");
    expect(response.caller?.orgId).toBe("futian-xiangmihu");
    expect(response.caller?.role).toBe(Role.COMMUNITY_WORKER);
    expect(response.correlationId).toBe("corr-42");
    expect(response.engines).toEqual({ fake: true });
    client.close();
  }, 30_000);

  it("brings a server's error back whole: code, kind and both languages", async () => {
    const server = new RpcServer({ verifier: testVerifier() }).add(DiagnosticsService, {
      async ping() {
        throw kepuError("conflict", "ORDER_ALREADY_ACCEPTED", "订单已被其他队伍接单", "Order already accepted by another team");
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createRpcClient(DiagnosticsService, `127.0.0.1:${port}`, { signer: testSigner() });
    const error = await client.ping({ echo: "" }).catch((e: unknown) => e);
    expect(isKepuError(error)).toBe(true);
    expect(error).toMatchObject({ code: "ORDER_ALREADY_ACCEPTED", kind: "conflict", zh: "订单已被其他队伍接单" });
    client.close();
    await server.stop();
  });

  it("brings back an error thrown before the implementation returns a promise", async () => {
    const server = new RpcServer({ verifier: testVerifier() }).add(DiagnosticsService, {
      ping: () => {
        throw kepuError("invalid", "TEXT_REQUIRED", "请填写原因", "A reason is required", "reason");
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createRpcClient(DiagnosticsService, `127.0.0.1:${port}`, { signer: testSigner() });
    expect(await client.ping({ echo: "" }).catch((e: unknown) => e)).toMatchObject({ code: "TEXT_REQUIRED", field: "reason" });
    client.close();
    await server.stop();
  });

  it("hides an unexpected server error behind INTERNAL and reports it", async () => {
    const reported: string[] = [];
    const server = new RpcServer({ verifier: testVerifier(), onUnexpectedError: (_e, method) => reported.push(method) }).add(DiagnosticsService, {
      async ping() {
        throw new Error("mongodb://user:secret@host");
      },
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createRpcClient(DiagnosticsService, `127.0.0.1:${port}`, { signer: testSigner() });
    const error = await client.ping({ echo: "" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INTERNAL", kind: "internal" });
    expect(JSON.stringify(error)).not.toContain("secret");
    expect(reported).toEqual(["kepu.common.v1.DiagnosticsService/Ping"]);
    client.close();
    await server.stop();
  });
});
