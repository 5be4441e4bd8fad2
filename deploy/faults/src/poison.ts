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
