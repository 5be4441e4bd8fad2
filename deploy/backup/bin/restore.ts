// npm run restore -- <file>
//   Brings the platform of a backup back onto engines that hold nothing of it (KAFKA_BROKERS,
//   MONGO_URL, REDIS_URL, KEPU_PREFIX as the backup's; the local engines by default). Run it before
//   the services start (npm start then finds everything where it was).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { readConfig, restore } from "../src/index.js";
import { describeCounts, refuse } from "./cli.js";

const { positionals } = parseArgs({ allowPositionals: true });
if (positionals.length !== 1) {
  console.error("用法 / usage: npm run restore -- <backup.tar.gz>");
  process.exit(2);
}
const file = resolve(process.env.INIT_CWD ?? ".", positionals[0]!); // npm runs scripts from the root; the path is the caller's
const started = performance.now();
const result = await restore(readConfig(), file);
if (!result.ok) refuse(result.error);
const restored = result.value;
console.log(`restored ${file} (made ${restored.manifest.createdAt}, Kepu ${restored.manifest.versions.kepu}) in ${((performance.now() - started) / 1000).toFixed(1)} s:\n${describeCounts(restored.manifest)}`);
console.log(`  written: ${restored.documents} documents, ${restored.redisKeys} Redis keys (expired ones skipped), ${restored.records} records, offsets of ${restored.groups} groups`);
