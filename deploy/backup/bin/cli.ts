// What both commands share: how a refusal is told, and a summary of counts.
import type { KepuError } from "@kepu/errors";
import type { Manifest } from "../src/index.js";

export function refuse(error: KepuError): never {
  console.error(`${error.code}: ${error.zh}\n${error.en}`);
  process.exit(1);
}

export function describeCounts(manifest: Manifest): string {
  const c = manifest.counts;
  return [
    `  ${c.databases} databases, ${c.collections} collections, ${c.documents} documents (MongoDB ${manifest.versions.mongo})`,
    `  ${c.redisKeys} Redis keys (Redis ${manifest.versions.redis})`,
    `  ${c.topics} topics, ${c.records} records, ${c.groups} consumer groups`,
    ...(manifest.renumbered.length > 0 ? [`  partitions not starting at offset 0 or with gaps (renumbered on restore, group offsets moved with them): ${manifest.renumbered.join(", ")}`] : []),
  ].join("\n");
}
