// Rebuild the stats projections by replay, from the operator's shell: asks the running stats
// service (its Rebuild RPC) to forget every fact and read every topic again from offset 0, and
// prints progress until the figures are whole again.
//
//   pnpm stats:rebuild            STATS_GRPC=host:port (default 127.0.0.1:5104)
//                                 KEPU_CALL_SIGNING_KEY: the key the services trust; locally:
//                                 eval "$(node packages/identity/bin/call-keys.mjs .kepu/keys)"
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { CallSigner, createRpcClient } from "@kepu/rpc";

const address = process.env.STATS_GRPC ?? "127.0.0.1:5104";
// The operator acts as an admin: only admins may rebuild the figures or read the projection's status.
const operator = { actor: { id: "stats-rebuild", role: Role.ADMIN, displayName: "运维重建" } };
const client = createRpcClient(StatsService, address, { signer: CallSigner.fromJwk(process.env.KEPU_CALL_SIGNING_KEY, "stats-rebuild") });
const started = performance.now();
try {
  const before = await client.getProjectionStatus({}, operator);
  console.log(`stats at ${address}: generation ${before.generation}, ${before.eventsApplied} events applied; replaying every topic from offset 0…`);
  let lastPrinted = 0;
  for await (const step of client.rebuild({}, { ...operator, timeoutMs: 60 * 60_000 })) {
    const now = performance.now();
    if (step.done || now - lastPrinted > 1_000) {
      lastPrinted = now;
      const share = step.eventsTotal > 0n ? Math.floor((Number(step.eventsApplied) / Number(step.eventsTotal)) * 100) : 100;
      console.log(`  ${step.eventsApplied} / ${step.eventsTotal} events (${share}%)${step.done ? " — done" : ""}`);
    }
  }
  const after = await client.getProjectionStatus({}, operator);
  console.log(`rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s: generation ${after.generation}, ${after.eventsSkipped} events skipped, ${after.deadLettered} dead-lettered`);
} finally {
  client.close();
}
