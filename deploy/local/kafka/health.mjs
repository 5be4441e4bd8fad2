// Kafka health check with Node's built-ins only (no JVM start, no workspace packages):
// sends one Metadata request (v4, which Kafka 1.0 through 4.x answer) to each broker given and
// succeeds when one of them answers with at least one live broker and an elected controller.
//   node health.mjs 127.0.0.1:19092[,host:port...] [timeout-ms]     exit 0 = healthy
import net from "node:net";

const brokers = (process.argv[2] ?? "127.0.0.1:19092").split(",").map((s) => s.trim()).filter(Boolean);
const timeoutMs = Number(process.argv[3] ?? 3000);

function metadataRequest() {
  const clientId = Buffer.from("kepu-health");
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(3, o); // api_key: Metadata
  o = body.writeInt16BE(4, o); // api_version
  o = body.writeInt32BE(1, o); // correlation_id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  o = body.writeInt32BE(0, o); // topics: empty array (no topic metadata wanted)
  body.writeInt8(0, o); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function parse(buf) {
  let o = 0;
  const correlationId = buf.readInt32BE(o); o += 4;
  if (correlationId !== 1) throw new Error(`unexpected correlation id ${correlationId}`);
  o += 4; // throttle_time_ms
  const brokerCount = buf.readInt32BE(o); o += 4;
  const nodes = [];
  for (let i = 0; i < brokerCount; i++) {
    const id = buf.readInt32BE(o); o += 4;
    const hostLen = buf.readInt16BE(o); o += 2;
    const host = buf.toString("utf8", o, o + hostLen); o += hostLen;
    const port = buf.readInt32BE(o); o += 4;
    const rackLen = buf.readInt16BE(o); o += 2;
    if (rackLen > 0) o += rackLen;
    nodes.push(`${id}@${host}:${port}`);
  }
  const clusterLen = buf.readInt16BE(o); o += 2;
  const clusterId = clusterLen >= 0 ? buf.toString("utf8", o, o + clusterLen) : null;
  if (clusterLen > 0) o += clusterLen;
  const controllerId = buf.readInt32BE(o);
  return { nodes, clusterId, controllerId };
}

function probe(address) {
  const i = address.lastIndexOf(":");
  const host = address.slice(0, i);
  const port = Number(address.slice(i + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    let data = Buffer.alloc(0);
    socket.on("connect", () => socket.write(metadataRequest()));
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      clearTimeout(timer);
      socket.end();
      try {
        resolve(parse(data.subarray(4, 4 + data.readInt32BE(0))));
      } catch (err) {
        reject(err);
      }
    });
    socket.on("error", (err) => { clearTimeout(timer); reject(err); });
    socket.on("close", () => { clearTimeout(timer); reject(new Error("connection closed before an answer")); });
  });
}

const errors = [];
for (const address of brokers) {
  try {
    const meta = await probe(address);
    if (meta.nodes.length === 0) throw new Error("metadata lists no live broker yet");
    if (meta.controllerId < 0) throw new Error("no controller elected yet");
    console.log(`${address}: cluster ${meta.clusterId}, brokers ${meta.nodes.join(" ")}, controller ${meta.controllerId}`);
    process.exit(0);
  } catch (err) {
    errors.push(`${address}: ${err.message}`);
  }
}
console.error(errors.join("\n"));
process.exit(1);
