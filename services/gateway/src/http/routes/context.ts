// What every route plugin gets: the gateway's dependencies and the services' gRPC clients.
import type { FastifyRequest } from "fastify";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type * as d from "@kepu/contracts/dispatch/v1/service_pb";
import type * as e from "@kepu/contracts/events/v1/service_pb";
import type * as r from "@kepu/contracts/registry/v1/service_pb";
import type * as n from "@kepu/contracts/notifications/v1/service_pb";
import type * as w from "@kepu/contracts/notifications/v1/webhooks_pb";
import type * as s from "@kepu/contracts/stats/v1/service_pb";
import { people } from "@kepu/access";
import type { RpcClient } from "@kepu/rpc";
import { callerFor, type GatewayDeps } from "../app.js";

export interface Clients {
  registry: RpcClient<typeof r.RegistryService>;
  dispatch: RpcClient<typeof d.DispatchService>;
  events: RpcClient<typeof e.EventsService>;
  stats: RpcClient<typeof s.StatsService>;
  notifications: RpcClient<typeof n.NotificationsService>;
  webhooks: RpcClient<typeof w.WebhooksService>;
}

export interface RouteOptions {
  deps: GatewayDeps;
  clients: Clients;
}

/**
 * The signed-in caller. The gateway authenticates; what the caller may see and do is decided by
 * the service that owns the data, with @kepu/access (PRODUCT.md, "Who owns what").
 */
export const signedIn = (request: FastifyRequest) => callerFor(request, [...people]);
/** The gateway's own identity, for what it looks up before anyone is signed in. */
export const gatewayActor = { id: "gateway", role: Role.SYSTEM, orgId: "", displayName: "网关" };
