#!/usr/bin/env node
// Usage: node call-keys.mjs <folder>
// Creates, once, the Ed25519 key pair that signs the tokens of calls between Kepu's processes:
// <folder>/call-signing.jwk (private: the gateway and tools) and <folder>/call-verify.jwks (public: the
// services). Prints the shell exports of both, for `eval "$(node call-keys.mjs .kepu/keys)"`.
// Plain Node, no dependencies: it runs before anything is installed or bundled.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: node call-keys.mjs <folder>\n");
  process.exit(2);
}
const signingFile = join(folder, "call-signing.jwk");
const verifyFile = join(folder, "call-verify.jwks");
if (!existsSync(signingFile) || !existsSync(verifyFile)) {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const kid = `local-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString("hex")}`;
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const meta = { kid, alg: "EdDSA", use: "sig" };
  writeFileSync(signingFile, JSON.stringify({ ...privateKey.export({ format: "jwk" }), ...meta }), { mode: 0o600 });
  writeFileSync(verifyFile, JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), ...meta }] }));
  chmodSync(signingFile, 0o600);
}
const quote = (text) => `'${text.trim().replace(/'/g, "'\\''")}'`;
process.stdout.write(`export KEPU_CALL_SIGNING_KEY=${quote(readFileSync(signingFile, "utf8"))}\n`);
process.stdout.write(`export KEPU_CALL_VERIFY_KEYS=${quote(readFileSync(verifyFile, "utf8"))}\n`);
