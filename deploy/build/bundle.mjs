// Bundles each backend service into one file, services/<name>/dist/main.js: what `npm start`, the
// benchmarks, the tests and the Docker images run. A bundle starts faster and takes ~60 MB less
// memory than compiling TypeScript at start-up (tsx), and error stacks are not source-mapped on
// every throw (a booking storm throws thousands of "waitlist full" answers).
// Usage: node deploy/build/bundle.mjs [service ...]   (no name: all of them)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

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
  await build({
    entryPoints: [`${servicesDir}${name}/src/main.ts`],
    outfile: `${servicesDir}${name}/dist/main.js`,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // CommonJS packages inside an ES module bundle still call require().
    banner: { js: "import { createRequire as kepuCreateRequire } from 'node:module'; const require = kepuCreateRequire(import.meta.url);" },
    // Written, not loaded: run with NODE_OPTIONS=--enable-source-maps to read stacks as TypeScript.
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  const started = Date.now();
  await Promise.all((names.length ? names : services).map(bundle));
  console.error(`[build] bundled ${(names.length ? names : services).join(", ")} in ${Date.now() - started} ms`);
}
