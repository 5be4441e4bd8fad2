// A TCP forwarder for the network-namespace scenario: `node bridge.mjs LISTEN=TARGET …`, each
// side host:port. Every connection accepted on LISTEN is joined to a new one to TARGET; when
// either end fails or closes, both do (as a cut link looks to the client). Prints "ready" once
// every LISTEN is bound. Plain JavaScript: `ip netns exec` runs it with node inside a namespace.
import { connect, createServer } from "node:net";

const split = (address) => {
  const at = address.lastIndexOf(":");
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
};

const servers = process.argv.slice(2).map((pair) => {
  const [listen, target] = pair.split("=").map(split);
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(listen.port, listen.host, resolve));
});

Promise.all(servers).then(
  () => console.log("ready"),
  (error) => {
    console.error(`bridge: ${error.message}`);
    process.exit(1);
  },
);
