import { randomBytes } from "node:crypto";
import { AssignerProtocol, type Kafka, type IHeaders } from "kafkajs";
import { waitFor } from "@kepu/testkit";

interface Copied {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** The end offset of every partition of a topic now. */
async function highWatermarks(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every message of a topic up to its end offsets as they are now, each exactly once. */
async function readToEnd(kafka: Kafka, topic: string): Promise<Copied[]> {
  const ends = await highWatermarks(kafka, topic);
  const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  const copied: Copied[] = [];
  // Named after the topic, so the test's clean-up (by prefix) removes the group too.
  const consumer = kafka.consumer({ groupId: `${topic}.copy-${randomBytes(4).toString("hex")}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (BigInt(message.offset) >= ends.get(partition)!) return;
        copied.push({ key: message.key, value: message.value, headers: message.headers ?? {} });
        if (BigInt(message.offset) + 1n >= ends.get(partition)!) remaining.delete(partition);
      },
    });
    await waitFor(() => remaining.size === 0, { timeoutMs: 60_000, what: `reading ${topic} to its end (partitions left: ${[...remaining]})` });
    return copied;
  } finally {
    await consumer.disconnect();
  }
}

/** Delivers every event of the topics a second time: the same bytes, key and headers appended again. */
export async function redeliverEverything(kafka: Kafka, topics: string[]): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  let count = 0;
  try {
    for (const topic of topics) {
      const messages = await readToEnd(kafka, topic);
      for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
      count += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  return count;
}

export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  return Number([...(await highWatermarks(kafka, topic)).values()].reduce((a, b) => a + b, 0n));
}

/** The consumer groups of a prefix that have members now, with the topics they subscribe to. */
export async function liveGroups(kafka: Kafka, prefix: string): Promise<Map<string, string[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    const { groups } = await admin.describeGroups(ids);
    const live = new Map<string, string[]>();
    for (const group of groups.filter((g) => g.members.length > 0)) {
      const topics = new Set(group.members.flatMap((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? []));
      live.set(group.groupId, [...topics]);
    }
    return live;
  } finally {
    await admin.disconnect();
  }
}

/** How far each live group is behind the end of its topics, summed over partitions. */
export async function lagOf(kafka: Kafka, groups: Map<string, string[]>): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag = new Map<string, number>();
    for (const [groupId, topics] of groups) {
      let behind = 0;
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        for (const p of partitions) behind += (ends.get(p.partition) ?? 0) - Math.max(Number(p.offset), 0);
      }
      lag.set(groupId, behind);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every live group of the prefix has consumed everything: partitions keep flowing. */
export async function waitUntilCaughtUp(kafka: Kafka, prefix: string, timeoutMs = 120_000): Promise<void> {
  let last = new Map<string, number>();
  await waitFor(
    async () => {
      last = await lagOf(kafka, await liveGroups(kafka, prefix));
      return [...last.values()].every((n) => n === 0);
    },
    { timeoutMs, intervalMs: 500, what: `consumer groups catching up` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; lag by group: ${JSON.stringify(Object.fromEntries(last))}`);
  });
}

/** Which partitions each member of a group holds now, by member id. */
export async function assignments(kafka: Kafka, groupId: string): Promise<Map<string, Record<string, number[]>>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = groups[0]?.state === "Stable" ? groups[0].members : [];
    return new Map(members.map((m) => [m.memberId, AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}]));
  } finally {
    await admin.disconnect();
  }
}
