// Server-sent events relayed from a gRPC server stream (the live dashboard, the inbox).
import type { FastifyReply, FastifyRequest } from "fastify";

/** One server-sent event as the OpenAPI document describes it: its name and its JSON as text. */
export const sseEvent = { type: "object", properties: { event: { type: "string" }, data: { type: "string", description: "JSON" } }, required: ["event", "data"] };

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Opens the stream, waits for its first item, then answers `text/event-stream`: a stream the caller
 * may not open fails before any header is sent, so it is answered as an error (401, 404…), not as a
 * 200 stream carrying one. Heartbeats keep proxies from closing an idle stream.
 */
export async function relayEvents<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  open: (signal: AbortSignal) => AsyncIterable<T>,
  toEvents: (item: T) => SseEvent[],
  unavailable: { code: string; message: string },
): Promise<void> {
  const abort = new AbortController();
  request.raw.on("close", () => abort.abort());
  const feed = open(abort.signal)[Symbol.asyncIterator]();
  const first = await feed.next();
  reply.hijack();
  reply.raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive", "x-correlation-id": request.id });
  const heartbeat = setInterval(() => reply.raw.write(": heartbeat\n\n"), 15_000);
  const send = (item: T) => toEvents(item).forEach(({ event, data }) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  try {
    if (!first.done) send(first.value);
    for (let next = await feed.next(); !next.done; next = await feed.next()) send(next.value);
  } catch (error) {
    if (!abort.signal.aborted) reply.raw.write(`event: error\ndata: ${JSON.stringify(unavailable)}\n\n`);
    request.log.warn({ err: error }, "live feed ended");
  } finally {
    clearInterval(heartbeat);
    reply.raw.end();
  }
}
