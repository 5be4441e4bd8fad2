// The client across a restart of the service it calls: a call that cannot reach the server is
// resent until the server is back; a write the server answered is never sent twice.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { testSigner, testVerifier, waitFor } from "@kepu/testkit";
import { createRpcClient, RpcServer, type ServiceImplementation } from "../src/index.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A dispatch service whose every method counts its calls and answers what `answer` says. */
function dispatchServer(answer: (method: string, call: number) => unknown) {
  const calls: Record<string, number> = {};
  const implementation = new Proxy({}, {
    get: (_target, method: string) => async () => {
      calls[method] = (calls[method] ?? 0) + 1;
      return answer(method, calls[method]);
    },
  }) as ServiceImplementation<typeof DispatchService>;
  const server = new RpcServer({ verifier: testVerifier() }).add(DispatchService, implementation);
  cleanups.push(() => server.stop(100));
  return { server, calls };
}

/** A port that takes connections and drops them at once, like a process that is not listening yet. */
async function droppingPort(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, connections: () => connections, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const unavailable = () => kepuError("unavailable", "STORE_DOWN", "数据库暂时不可用", "The store is down for a moment");

describe("rpc client across a restart", () => {
  it("resends a write that never reached the server until the server is back, and it runs once", async () => {
    const down = await droppingPort();
    const client = createRpcClient(DispatchService, `127.0.0.1:${down.port}`, { signer: testSigner() });
    cleanups.push(() => client.close());
    const submitted = client.submitOrder({ orderId: "o-1" });
    // The client has tried and been refused more than once: it is retrying, not waiting on one try.
    await waitFor(() => down.connections() >= 2, { what: "two refused attempts" });
    await down.close();
    const { server, calls } = dispatchServer(() => ({ order: { orderId: "o-1" } }));
    await server.listen("127.0.0.1", down.port);
    expect((await submitted).order?.orderId).toBe("o-1");
    expect(calls.submitOrder).toBe(1);
  });

  it("gives up after its retry budget with a clear unavailable error", async () => {
    const down = await droppingPort();
    cleanups.push(down.close);
    const client = createRpcClient(DispatchService, `127.0.0.1:${down.port}`, { signer: testSigner(), retryForMs: 300 });
    cleanups.push(() => client.close());
    await expect(client.submitOrder({ orderId: "o-2" })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE", kind: "unavailable", zh: "服务暂时不可用，请稍后重试" });
    expect(down.connections()).toBeGreaterThanOrEqual(2);
  });

  it("never resends a write the server answered, even 'unavailable'; resends such a read", async () => {
    const { server, calls } = dispatchServer((method, call) => {
      if (method === "submitOrder" || call < 3) throw unavailable();
      return { order: { orderId: "o-3" } };
    });
    const port = await server.listen("127.0.0.1", 0);
    const client = createRpcClient(DispatchService, `127.0.0.1:${port}`, { signer: testSigner() });
    cleanups.push(() => client.close());
    await expect(client.submitOrder({ orderId: "o-3" })).rejects.toMatchObject({ code: "STORE_DOWN" });
    expect(calls.submitOrder).toBe(1);
    expect((await client.getOrder({ orderId: "o-3" })).order?.orderId).toBe("o-3");
    expect(calls.getOrder).toBe(3);
  });
});
