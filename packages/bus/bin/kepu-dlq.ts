// Reads and re-drives a consumer group's dead-letter topic (<group>.dlq).
//
//   pnpm dlq list <group>                      every dead letter: where, why, after how many tries
//   pnpm dlq redrive <group> [partition:offset …]   send them (or the chosen ones) back to their topic
//
// <group> is the full consumer group id, prefix included, e.g. kepu.stats.projector-g1.
// KAFKA_BROKERS names the brokers (default: the local engines).
import { engineDefaults } from "@kepu/config";
import { createLogger } from "@kepu/log";
import { createKafka, readDeadLetters, redriveDeadLetters, type DeadLetter } from "../src/index.js";

const [command, groupId, ...places] = process.argv.slice(2);
const usage = "usage: pnpm dlq list <group> | pnpm dlq redrive <group> [partition:offset ...]";
if (!groupId || (command !== "list" && command !== "redrive")) {
  console.error(usage);
  process.exit(2);
}

const brokers = (process.env.KAFKA_BROKERS ?? engineDefaults.KAFKA_BROKERS).split(",");
const kafka = createKafka({ brokers, clientId: "kepu-dlq", logger: createLogger({ service: "kepu-dlq", level: "error" }) });

const row = (l: DeadLetter) => ({
  at: `${l.partition}:${l.offset}`,
  from: `${l.original.topic} ${l.original.partition}:${l.original.offset}`,
  attempts: l.attempts,
  when: l.at,
  reason: l.reason.slice(0, 120),
});

if (command === "list") {
  const letters = await readDeadLetters(kafka, groupId);
  if (letters.length === 0) console.log(`${groupId}.dlq is empty`);
  else console.table(letters.map(row));
} else {
  const sent = await redriveDeadLetters(kafka, groupId, places.length > 0 ? places : undefined);
  console.log(`re-drove ${sent.length} message(s) from ${groupId}.dlq to their topics`);
  if (sent.length > 0) console.table(sent.map(row));
}
