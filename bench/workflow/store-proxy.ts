// A counting TCP proxy in front of FerretDB for bench/workflow: the services connect to it (their
// MONGO_URL), it forwards every byte both ways and counts each OP_MSG command by database,
// collection, command and kind — a find or an update statement whose filter is a lone `_id`
// ("by _id", which FerretDB answers from its index) or anything else ("scan", which FerretDB v1
// answers by reading the whole collection). Run as a child process (its CPU is its own, not the
// services'), so the store operations one order life makes are counted, not guessed.
//
// Messages from the parent: "report" → the counts so far; "reset" → zero them (answered { reset: true }).
// Started with: the upstream address as argv[2]; it sends { port } when it listens.
import { createConnection, createServer, type Socket } from "node:net";
import { BSON, type Document } from "mongodb";

const [host, port] = (process.argv[2] ?? "127.0.0.1:27027").split(":") as [string, string];

/** "<db>.<collection> <command>[ by _id|scan]" → how many. */
let counts = new Map<string, number>();
const count = (key: string, n = 1): void => void counts.set(key, (counts.get(key) ?? 0) + n);

const scalar = (value: unknown) => typeof value === "string" || typeof value === "number" || value instanceof BSON.ObjectId;
/** A filter FerretDB v1 pushes down to SQLite: `_id` alone, equal to one value. */
const byIdOnly = (filter: Document | undefined): boolean => {
  if (!filter) return false;
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === "_id" && scalar(filter._id);
};

/** Commands that are the driver's own housekeeping, not the service's reads or writes. */
const housekeeping = new Set(["hello", "ismaster", "isMaster", "ping", "endSessions", "buildInfo", "saslStart", "saslContinue", "killCursors"]);

function countCommand(body: Document, sequences: Map<string, Document[]>): void {
  const command = Object.keys(body)[0] ?? "?";
  if (housekeeping.has(command)) return count(`- ${command}`);
  const target = `${String(body.$db)}.${typeof body[command] === "string" ? body[command] : "-"}`;
  const statements = (field: string) => [...((body[field] as Document[] | undefined) ?? []), ...(sequences.get(field) ?? [])];
  switch (command) {
    case "find":
      return count(`${target} find ${byIdOnly(body.filter) ? "by _id" : "scan"}`);
    case "insert":
      return count(`${target} insert`, Math.max(1, statements("documents").length));
    case "update":
      for (const s of statements("updates")) count(`${target} update ${byIdOnly(s.q) ? "by _id" : "scan"}`);
      return;
    case "delete":
      for (const s of statements("deletes")) count(`${target} delete ${byIdOnly(s.q) ? "by _id" : "scan"}`);
      return;
    case "findAndModify":
      return count(`${target} findAndModify ${byIdOnly(body.query) ? "by _id" : "scan"}`);
    default:
      return count(`${target} ${command}`);
  }
}

/** Parses one OP_MSG (opcode 2013): flag bits, a kind-0 body, kind-1 document sequences. */
function parseMessage(message: Buffer): void {
  if (message.readInt32LE(12) !== 2013) return count("- other opcode");
  let at = 20;
  let body: Document | undefined;
  const sequences = new Map<string, Document[]>();
  const end = message.readUInt32LE(16) & 1 ? message.length - 4 : message.length; // checksum present
  while (at < end) {
    const kind = message[at]!;
    at += 1;
    const size = message.readInt32LE(at);
    if (kind === 0) body = BSON.deserialize(message.subarray(at, at + size));
    else {
      const idEnd = message.indexOf(0, at + 4);
      const identifier = message.toString("utf8", at + 4, idEnd);
      const docs: Document[] = [];
      for (let d = idEnd + 1; d < at + size; d += message.readInt32LE(d)) docs.push(BSON.deserialize(message.subarray(d, d + message.readInt32LE(d))));
      sequences.set(identifier, docs);
    }
    at += size;
  }
  if (body) countCommand(body, sequences);
}

function counting(client: Socket, upstream: Socket): void {
  let pending: Buffer = Buffer.alloc(0);
  client.on("data", (chunk: Buffer) => {
    upstream.write(chunk);
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
      const length = pending.readInt32LE(0);
      try {
        parseMessage(pending.subarray(0, length));
      } catch {
        count("- unparsed");
      }
      pending = pending.subarray(length);
    }
  });
}

const server = createServer((client) => {
  const upstream = createConnection({ host, port: Number(port) });
  counting(client, upstream);
  upstream.on("data", (chunk) => client.write(chunk));
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("close", close).on("error", close);
  upstream.on("close", close).on("error", close);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
});

process.on("message", (message) => {
  if (message === "report") process.send?.({ counts: Object.fromEntries(counts) });
  if (message === "reset") {
    counts = new Map();
    process.send?.({ reset: true });
  }
});
process.on("disconnect", () => process.exit(0));
