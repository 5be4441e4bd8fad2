import { Partitioners, type Kafka } from "kafkajs";
import type { RecordedMessage } from "@kepu/testkit";

/**
 * Writes messages no consumer can decode (random bytes, an envelope with garbage) into a topic,
 * spread over keys and so over partitions. Returns their keys to find them in the dead-letter topics.
 */
export async function injectPoison(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const keys = Array.from({ length: count }, (_, i) => `poison-${topic}-${i}`);
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: keys.map((key, i) => ({ key, value: i % 2 === 0 ? Buffer.from(`\u0000\u00ffnot protobuf ${i}`) : Buffer.from([0x0a, 0xff, 0xff, 0xff]) })),
    });
  } finally {
    await producer.disconnect();
  }
  return keys;
}

/** The dead-lettered poison messages with their reasons, by key. */
export function poisonFound(deadLetters: RecordedMessage[], keys: string[]): Map<string, { reason: string; attempts: number }> {
  const wanted = new Set(keys);
  const found = new Map<string, { reason: string; attempts: number }>();
  for (const message of deadLetters) {
    if (!wanted.has(message.key)) continue;
    found.set(message.key, { reason: message.headers["kepu-dlq-reason"] ?? "", attempts: Number(message.headers["kepu-dlq-attempts"] ?? 0) });
  }
  return found;
}

/**
 * Every poison message must reach the dead-letter topic of every group that reads its topic, with
 * a reason, within 3 attempts. Returns how many dead letters were found and the first problems.
 */
export async function checkDeadLetters(
  read: (topic: string, done: (messages: RecordedMessage[]) => boolean) => Promise<RecordedMessage[]>,
  groups: Map<string, string[]>,
  poisonByTopic: Map<string, string[]>,
): Promise<{ deadLettered: number; problems: string[] }> {
  let deadLettered = 0;
  const problems: string[] = [];
  for (const [groupId, topics] of groups) {
    const keys = topics.flatMap((t) => poisonByTopic.get(t) ?? []);
    if (keys.length === 0) continue;
    const letters = await read(`${groupId}.dlq`, (m) => poisonFound(m, keys).size === keys.length).catch(() => [] as RecordedMessage[]);
    const found = poisonFound(letters, keys);
    deadLettered += found.size;
    const missing = keys.find((k) => !found.has(k));
    if (missing) problems.push(`poison ${missing} is not in ${groupId}.dlq`);
    const bad = [...found].find(([, f]) => !f.reason || f.attempts > 3);
    if (bad) problems.push(`poison ${bad[0]} in ${groupId}.dlq has reason "${bad[1].reason}" after ${bad[1].attempts} attempts`);
  }
  return { deadLettered, problems };
}
