// An order as the gateway's JSON gives it: the generated type (api/schema.d.ts), with what every
// order has — its request, each step's time — marked as always there.
import type { Order as ApiOrder, Present } from "../api/types";

type Timed = { occurredAt?: string };
/** An order of any route that answers one (the lists, an order's chain), with its request and its steps' times. */
export type WithRequest<O extends { request?: unknown; timeline: Timed[] }> = Omit<Present<O, "request">, "timeline"> & { timeline: Present<O["timeline"][number], "occurredAt">[] };
export type Order = WithRequest<ApiOrder>;
