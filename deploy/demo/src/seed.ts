// `npm start` runs this: the Shenzhen demo data through the services' own APIs (src/demo.ts).
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { CallSigner, createRpcClient } from "@kepu/rpc";
import { seedDemo } from "./demo.js";

// Signs its calls with the key the services trust (deploy/local exports it; see .kepu/keys).
const rpc = { signer: CallSigner.fromJwk(process.env.KEPU_CALL_SIGNING_KEY, "demo-seed") };
const registry = createRpcClient(RegistryService, process.env.REGISTRY_GRPC ?? "127.0.0.1:5101", rpc);
const dispatch = createRpcClient(DispatchService, process.env.DISPATCH_GRPC ?? "127.0.0.1:5102", rpc);
const events = createRpcClient(EventsService, process.env.EVENTS_GRPC ?? "127.0.0.1:5103", rpc);
const gatewayUrl = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.KEPU_GATEWAY_PORT ?? 8080}`; // as deploy/local/services.sh starts it

try {
  console.log(await seedDemo({ registry, dispatch, events, gatewayUrl }));
} finally {
  for (const client of [registry, dispatch, events]) client.close();
}
