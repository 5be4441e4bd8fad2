import { randomBytes } from "node:crypto";
import type { IHeaders, Kafka } from "kafkajs";
import { deadLetterTopicFor } from "./topics.js";

/** One message a consumer group gave up on, as its dead-letter topic keeps it. */
export interface DeadLetter {
  /** Where it sits in `<group>.dlq`: what `redriveDeadLetters` takes. */
  partition: number;
  offset: string;
  key: string;
  reason: string;
  attempts: number;
  at: string;
  original: { topic: string; partition: number; offset: string };
  value: Buffer;
  /** The message's own headers, without the dead-letter ones. */
  headers: Record<string, string>;
}

const deadLetterHeaders = ["kepu-dlq-reason", "kepu-dlq-attempts", "kepu-dlq-group", "kepu-dlq-at", "kepu-original-topic", "kepu-original-partition", "kepu-original-offset"];

function toDeadLetter(partition: number, message: { offset: string; key: Buffer | null; value: Buffer | null; headers?: IHeaders }): DeadLetter {
  const all: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) all[name] = String(value);
  const headers = Object.fromEntries(Object.entries(all).filter(([name]) => !deadLetterHeaders.includes(name)));
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? "",
    reason: all["kepu-dlq-reason"] ?? "",
    attempts: Number(all["kepu-dlq-attempts"] ?? 0),
    at: all["kepu-dlq-at"] ?? "",
    original: { topic: all["kepu-original-topic"] ?? "", partition: Number(all["kepu-original-partition"] ?? -1), offset: all["kepu-original-offset"] ?? "" },
    value: message.value ?? Buffer.alloc(0),
    headers,
  };
}

/**
 * Every message in a consumer group's dead-letter topic, read from the start to the end it had
 * when the call began. Reads with a throwaway group, so the DLQ's own offsets are not touched.
 */
export async function readDeadLetters(kafka: Kafka, groupId: string, timeoutMs = 30_000): Promise<DeadLetter[]> {
  const topic = deadLetterTopicFor(groupId);
  const admin = kafka.admin();
  await admin.connect();
  const readerGroup = `${groupId}.dlq-reader-${randomBytes(4).toString("hex")}`;
  const consumer = kafka.consumer({ groupId: readerGroup, maxWaitTimeInMs: 100 });
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const letters: DeadLetter[] = [];
    const reached = new Map([...ends].map(([partition, high]) => [partition, high === 0n]));
    if ([...reached.values()].every(Boolean)) return [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (BigInt(message.offset) >= ends.get(partition)!) return;
          letters.push(toDeadLetter(partition, message));
          if (BigInt(message.offset) + 1n >= ends.get(partition)!) reached.set(partition, true);
          if ([...reached.values()].every(Boolean)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await done;
    return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([readerGroup]).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * Sends dead letters back to the topic they came from — all of them, or those at the given
 * "partition:offset" places — with their key, value and own headers, marked where they came from.
 * Every group reading that topic sees them again; consumers are idempotent, so only the group
 * that failed them (once fixed) changes anything. Returns the letters re-driven.
 */
export async function redriveDeadLetters(kafka: Kafka, groupId: string, places?: string[]): Promise<DeadLetter[]> {
  const letters = await readDeadLetters(kafka, groupId);
  const chosen = places ? letters.filter((l) => places.includes(`${l.partition}:${l.offset}`)) : letters;
  const unknown = (places ?? []).filter((place) => !letters.some((l) => `${l.partition}:${l.offset}` === place));
  if (unknown.length > 0) throw new Error(`no dead letter at ${unknown.join(", ")} in ${deadLetterTopicFor(groupId)}`);
  if (chosen.length === 0) return [];
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const letter of chosen) {
      await producer.send({
        topic: letter.original.topic,
        messages: [{ key: letter.key, value: letter.value, headers: { ...letter.headers, "kepu-redriven-from": `${deadLetterTopicFor(groupId)}@${letter.partition}:${letter.offset}` } }],
      });
    }
  } finally {
    await producer.disconnect();
  }
  return chosen;
}
