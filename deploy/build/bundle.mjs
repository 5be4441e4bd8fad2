// Bundles each backend service into one file, services/<name>/dist/main.js: what `npm start`, the
// benchmarks, the tests and the Docker images run. A bundle starts faster and takes ~60 MB less
// memory than compiling TypeScript at start-up (tsx), and error stacks are not source-mapped on
// every throw (a booking storm throws thousands of "waitlist full" answers).
// Memory (issue 20): the bundle is whitespace-minified, which drops its comments — some hold Chinese
// and other non-ASCII text, and V8 then keeps the whole source as a two-byte string (the gateway's
// 10.8 MB bundle was a 21.5 MB string) — and is 30 % smaller (7.3 MB). Stack frames stay readable:
// the bundle's own frames are printed as `<source file>:<line>` (stack-lines.mjs, from the source map).
// Usage: node deploy/build/bundle.mjs [service ...]   (no name: all of them)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { stackLinesBanner, writeLineTable } from "./stack-lines.mjs";

const services = ["registry", "dispatch", "events", "stats", "notifications", "gateway"];
const servicesDir = fileURLToPath(new URL("../../services/", import.meta.url));

// Left to node_modules at run time: native code, optional drivers the services do not use, and
// packages that read their own files from disk (swagger-ui's static assets).
const external = [
  "@node-rs/argon2",
  "@fastify/swagger-ui",
  "kerberos",
  "@mongodb-js/zstd",
  "snappy",
  "aws4",
  "mongodb-client-encryption",
  "@aws-sdk/credential-providers",
  "gcp-metadata",
  "socks",
  "pino-pretty",
];

export async function bundle(name) {
  if (!services.includes(name)) throw new Error(`unknown service "${name}" (one of: ${services.join(", ")})`);
  await bundleFile(`${servicesDir}${name}/src/main.ts`, `${servicesDir}${name}/dist/main.js`);
}

/** One entry point into one ES module bundle, with its source map and line table (`<outfile>.lines`). */
export async function bundleFile(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // CommonJS packages inside an ES module bundle still call require().
    banner: { js: `import { createRequire as kepuCreateRequire } from 'node:module'; const require = kepuCreateRequire(import.meta.url);\n${stackLinesBanner}` },
    minifyWhitespace: true,
    // Licences kept beside the bundle (<outfile>.LEGAL.txt), not in it.
    legalComments: "external",
    // Written for the line table and for tools; node does not load it (--enable-source-maps would
    // decode all of it on the first stack: +100 MB). The sources are on disk, not copied into the map.
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
  });
  writeLineTable(outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  const started = Date.now();
  await Promise.all((names.length ? names : services).map(bundle));
  console.error(`[build] bundled ${(names.length ? names : services).join(", ")} in ${Date.now() - started} ms`);
}
