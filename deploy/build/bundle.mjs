// Bundles each backend service into one file, services/<name>/dist/main.js: what `npm start`, the
// benchmarks, the tests and the Docker images run. A bundle starts faster and takes ~60 MB less
// memory than compiling TypeScript at start-up (tsx), and error stacks are not source-mapped on
// every throw (a booking storm throws thousands of "waitlist full" answers).
// Memory (issue 20): each bundle is ASCII only. esbuild escapes strings, but comments it keeps (licences,
// JSDoc, our own Chinese ones) and some regular expressions (pinyin-pro's tone marks) are copied as
// they are, and one non-ASCII character makes V8 hold the whole source as a two-byte string: the
// gateway's 10.8 MB bundle was a 21.5 MB string. Whitespace is minified too (comments and indents
// gone: 10.8 → ~7 MB; the gateway at rest 161 → ~149 MB RSS measured in session 9), with lines
// broken every ~400 characters: a start-up error prints its bundle line, and a 7 MB one-line bundle
// drowned the error itself (CI, session 9). Names are kept, so stacks still name the functions;
// `node --enable-source-maps` maps them to the TypeScript lines (main.js.map).
// Usage: node deploy/build/bundle.mjs [service ...]   (no name: all of them)
import { build } from "esbuild";
import { readFileSync, writeFileSync } from "node:fs";
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
  const outfile = `${servicesDir}${name}/dist/main.js`;
  await build({
    entryPoints: [`${servicesDir}${name}/src/main.ts`],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    // CommonJS packages inside an ES module bundle still call require().
    banner: { js: "import { createRequire as kepuCreateRequire } from 'node:module'; const require = kepuCreateRequire(import.meta.url);" },
    // Written, not loaded: run with NODE_OPTIONS=--enable-source-maps to read stacks as TypeScript.
    sourcemap: "linked",
    minifyWhitespace: true,
    lineLimit: 400,
    logLevel: "warning",
  });
  writeFileSync(outfile, asciiOnly(readFileSync(outfile, "utf8")));
}

/**
 * Every UTF-16 unit above 0x7F as a \uXXXX escape (astral characters as their surrogate pair). Left
 * only in comments and regular expression literals, where the escape means the same character; the
 * source map's columns shift on those few lines only.
 */
export function asciiOnly(source) {
  return source.replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  const started = Date.now();
  await Promise.all((names.length ? names : services).map(bundle));
  console.error(`[build] bundled ${(names.length ? names : services).join(", ")} in ${Date.now() - started} ms`);
}
