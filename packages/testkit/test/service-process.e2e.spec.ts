import { afterAll, describe, expect, it } from "vitest";
import { createRpcClient, DiagnosticsService } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "../src/index.js";

const engines = new TestEngines(uniquePrefix("svcproc"));
let service: ServiceProcess | undefined;

afterAll(async () => {
  await service?.stop();
  await engines.cleanup();
});

describe("a service as a process", () => {
  it("starts ready on its engines, answers gRPC diagnostics, and comes back after a crash", async () => {
    service = await ServiceProcess.start("registry", engines.serviceEnv());
    const health = await fetch(`${service.httpUrl}/readyz`).then((r) => r.json());
    expect(health).toMatchObject({ ready: true, checks: { kafka: true, mongo: true } });

    await service.kill();
    expect(await fetch(`${service.httpUrl}/healthz`).catch(() => "down")).toBe("down");
    await service.launch();

    const client = createRpcClient(DiagnosticsService, service.grpcAddress, { signer: testSigner() });
    const pong = await client.ping({ echo: "在吗" });
    expect(pong).toMatchObject({ service: "registry", echo: "在吗", engines: { kafka: true, mongo: true } });
    client.close();
  });
});
