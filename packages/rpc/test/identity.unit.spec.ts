// Identity between processes: a real RpcServer on loopback refuses every call whose token is
// missing, forged, for another service or expired — whatever the call's metadata claims.
import * as grpc from "@grpc/grpc-js";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { generateEd25519Keys, keyRing, parseSigningJwk, TokenSigner } from "@kepu/identity";
import { testCallKeys, testSigner, testVerifier } from "@kepu/testkit";
import { audienceOf, CallSigner, createRpcClient, DiagnosticsService, grpcServiceDefinition, RpcServer, type ServiceImplementation } from "../src/index.js";

const refused: string[] = [];
let server: RpcServer;
let address: string;
const rawClients: grpc.Client[] = [];

beforeAll(async () => {
  server = new RpcServer({ verifier: testVerifier(), onRefused: (problem) => refused.push(problem) })
    .add(DiagnosticsService, {
      async ping(request, context) {
        return { service: "fixture", echo: request.echo, caller: context.actor, correlationId: context.correlationId };
      },
    })
    // A stats service whose stream yields one item (and whose other methods are never called here).
    .add(
      StatsService,
      new Proxy({}, { get: () => async function* () { yield {}; } }) as unknown as ServiceImplementation<typeof StatsService>,
    );
  address = `127.0.0.1:${await server.listen("127.0.0.1", 0)}`;
});

afterAll(async () => {
  rawClients.forEach((c) => c.close());
  await server.stop(100);
});

const admin = { id: "forger", role: Role.ADMIN, orgId: "sz", displayName: "伪造者" };

/** A call as a forger would send it: grpc-js by hand, with whatever metadata it likes. */
function rawPing(metadata: Record<string, string | Buffer>): Promise<{ error: grpc.ServiceError | null; caller?: unknown }> {
  const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(DiagnosticsService), "raw");
  const client = new Constructor(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    ping(request: unknown, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response?: { caller?: unknown }) => void): void;
  };
  rawClients.push(client);
  const meta = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) meta.set(key, value);
  return new Promise((resolve) => client.ping(create(DiagnosticsService.method.ping.input, { echo: "x" }), meta, (error, response) => resolve({ error, caller: response?.caller })));
}

const forgedActorHeader = Buffer.from(toBinary(ActorSchema, create(ActorSchema, admin)));

function expectRefused(result: { error: grpc.ServiceError | null }) {
  expect(result.error?.code).toBe(grpc.status.UNAUTHENTICATED);
  const details = JSON.parse(result.error!.metadata.get("kepu-error-bin")[0]!.toString()) as Record<string, string>;
  expect(details).toMatchObject({ code: "CALL_UNAUTHENTICATED", kind: "unauthenticated", zh: "调用方身份未经验证：缺少或无效的调用令牌" });
}

describe("identity between processes", () => {
  it("gives the handler the actor of a valid token, and only that one", async () => {
    const client = createRpcClient(DiagnosticsService, address, { signer: testSigner() });
    const response = await client.ping({ echo: "你好" }, { actor: { id: "w-1", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-c1" } });
    expect(response.caller).toMatchObject({ id: "w-1", role: Role.COMMUNITY_WORKER, orgId: "sz-futian-yuanling-c1" });
    // A valid token with a forged actor header beside it: the header is ignored.
    const token = await testSigner().token(audienceOf(DiagnosticsService), { id: "w-1", role: Role.COMMUNITY_WORKER });
    const mixed = await rawPing({ authorization: `Bearer ${token}`, "kepu-actor-bin": forgedActorHeader });
    expect(mixed.error).toBeNull();
    expect(mixed.caller).toMatchObject({ id: "w-1", role: Role.COMMUNITY_WORKER });
    client.close();
  });

  it("refuses a call without a token, even with a forged actor in its metadata", async () => {
    expectRefused(await rawPing({}));
    expectRefused(await rawPing({ "kepu-actor-bin": forgedActorHeader }));
    expect(refused.slice(-2)).toEqual(["missing", "missing"]);
  });

  it("refuses a bad token: garbage, not Bearer, signed by another key", async () => {
    expectRefused(await rawPing({ authorization: "Bearer not.a.token", "kepu-actor-bin": forgedActorHeader }));
    const token = await testSigner().token(audienceOf(DiagnosticsService), admin);
    expectRefused(await rawPing({ authorization: token }));
    const other = CallSigner.fromJwk(generateEd25519Keys(JSON.parse(testCallKeys().KEPU_CALL_SIGNING_KEY).kid).signingJwk, "forger");
    expectRefused(await rawPing({ authorization: `Bearer ${await other.token(audienceOf(DiagnosticsService), admin)}` }));
    expect(refused.slice(-3)).toEqual(["malformed", "missing", "signature"]);
  });

  it("refuses a token for another service", async () => {
    const forDispatch = await testSigner().token("kepu.dispatch.v1", admin);
    expectRefused(await rawPing({ authorization: `Bearer ${forDispatch}` }));
    expect(refused.at(-1)).toBe("audience");
  });

  it("refuses an expired token", async () => {
    const key = parseSigningJwk(testCallKeys().KEPU_CALL_SIGNING_KEY);
    if (!key.ok) throw new Error(key.problem);
    const expired = await new TokenSigner(keyRing(key.value, []), { issuer: "kepu-gateway", audience: audienceOf(DiagnosticsService), type: "kepu-call+jwt" }).sign(
      { act: { id: "admin", role: "ROLE_ADMIN" } },
      { subject: "admin", ttlSeconds: -120 },
    );
    expectRefused(await rawPing({ authorization: `Bearer ${expired}` }));
    expect(refused.at(-1)).toBe("expired");
  });

  it("refuses a streaming call without a valid token", async () => {
    const Constructor = grpc.makeGenericClientConstructor(grpcServiceDefinition(StatsService), "raw");
    const client = new Constructor(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { watchFigures(request: unknown, metadata: grpc.Metadata): grpc.ClientReadableStream<unknown> };
    rawClients.push(client);
    const meta = new grpc.Metadata();
    meta.set("kepu-actor-bin", forgedActorHeader);
    const stream = client.watchFigures(create(StatsService.method.watchFigures.input, {}), meta);
    const error = await new Promise<grpc.ServiceError>((resolve) => {
      stream.on("data", () => undefined);
      stream.on("error", resolve);
    });
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    // …while the typed client, which signs, streams.
    const typed = createRpcClient(StatsService, address, { signer: testSigner() });
    const items: unknown[] = [];
    for await (const item of typed.watchFigures({}, { actor: admin })) items.push(item);
    expect(items).toHaveLength(1);
    typed.close();
  });

  it("signs once per actor for most of a token's life", async () => {
    const signer = testSigner();
    const a = await signer.token(audienceOf(DiagnosticsService), { id: "u-7", role: Role.RESIDENT });
    expect(await signer.token(audienceOf(DiagnosticsService), { id: "u-7", role: Role.RESIDENT })).toBe(a);
    expect(await signer.token(audienceOf(DiagnosticsService), { id: "u-8", role: Role.RESIDENT })).not.toBe(a);
  });
});
