// The baseline of bench/booking-storm: a bare fastify "hello" in a process of its own (as the gateway
// is), answering the same POST the storm sends. Prints its port on stdout once it listens.
import Fastify from "fastify";

const app = Fastify();
app.post("/hello", async () => ({ hello: "world" }));
await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${app.server.address().port}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));
