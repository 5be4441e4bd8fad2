// The live dashboard feed is server-sent events behind a bearer token, which EventSource cannot
// send: the stream is read with fetch and parsed here.
import type { paths } from "./schema";
import type { LiveFeed } from "./types";

export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Splits a chunk of an event stream into complete events; returns them and the unfinished rest,
 * which belongs in front of the next chunk. Comments (": heartbeat") carry no event.
 */
export function parseEvents(buffer: string): { events: ServerEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  const events: ServerEvent[] = [];
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const [field, ...value] = line.split(":");
      const text = value.join(":").replace(/^ /, "");
      if (field === "event") event = text;
      if (field === "data") data.push(text);
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}

/** What a feed's route takes after "?" (the stats feed: orgId, campaignId), typed from the schema. */
export type FeedQuery<P extends LiveFeed> = NonNullable<paths[P]["get"]["parameters"]["query"]>;

/** A feed's URL: its path, and the query's set values after "?". */
export function feedUrl<P extends LiveFeed>(path: P, query?: FeedQuery<P>): string {
  const search = new URLSearchParams(Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)])).toString();
  return search ? `${path}?${search}` : path;
}

/** Reads one of the gateway's event streams until `signal` aborts, handing each event to `onEvent`. */
export async function followEvents<P extends LiveFeed>(path: P, token: string, onEvent: (e: ServerEvent) => void, signal: AbortSignal, query?: FeedQuery<P>): Promise<void> {
  const response = await fetch(feedUrl(path, query), { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, signal });
  if (!response.ok || !response.body) throw new Error(`live feed: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const parsed = parseEvents(buffer + value);
    buffer = parsed.rest;
    parsed.events.forEach(onEvent);
  }
}
