// The topics' events and where each consumer group stands: every topic of the platform read from
// its first offset to its end (key, value, headers, timestamp, per partition, in order), its
// partition count and topic-level settings, and every group's committed offsets. Restore creates
// the topics the way the bus does (ensureTopics), applies the saved settings, writes each
// partition's records in order into the same partition, and sets the groups' offsets.
import { randomBytes } from "node:crypto";
import kafkajs, { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage, type Message } from "kafkajs";
import { deadLetterTopicFor, ensureTopics, topicSettings, type TopicKind } from "@kepu/bus";
import { waitFor } from "@kepu/testkit";
import type { LineWriter, Workdir } from "./archive.js";
import { offsetsKept, restoredOffset, type PartitionShape, type Scope } from "./scope.js";

// kafkajs is CommonJS and Node's ESM loader does not see these two by name (under tsx; bundles do).
const { ConfigResourceTypes, ConfigSource } = kafkajs;

export interface TopicPart {
  topic: string;
  /** Settings set on the topic itself (retention.ms, cleanup.policy, …), not the broker's defaults. */
  configs: Record<string, string>;
  partitions: Array<PartitionShape & { partition: number; file: string }>;
}

export interface GroupPart {
  groupId: string;
  offsets: Array<{ topic: string; partition: number; offset: string }>;
}

export interface KafkaPart {
  topics: TopicPart[];
  groups: GroupPart[];
}

interface RecordLine {
  offset: string;
  timestamp: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, string]>;
}

export function connectKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: "kepu-backup", brokers, logLevel: logLevel.ERROR, retry: { initialRetryTime: 100, retries: 8 } });
}

async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function platformTopics(admin: Admin, scope: Scope): Promise<string[]> {
  return (await admin.listTopics()).filter(scope.topic).sort();
}

export async function platformGroups(admin: Admin, scope: Scope): Promise<string[]> {
  return (await admin.listGroups()).groups.map((g) => g.groupId).filter(scope.group).sort();
}

/** The platform's groups that have members now: a service reading (and so writing) is running. */
export async function activeGroups(kafka: Kafka, scope: Scope): Promise<string[]> {
  return withAdmin(kafka, async (admin) => {
    const ids = await platformGroups(admin, scope);
    if (ids.length === 0) return [];
    const { groups } = await admin.describeGroups(ids);
    return groups.filter((g) => g.members.length > 0).map((g) => g.groupId);
  });
}

/** Every partition's end offset: compared before and after a dump, it shows whether anyone wrote meanwhile. */
export async function endOffsets(kafka: Kafka, scope: Scope): Promise<Record<string, string>> {
  return withAdmin(kafka, async (admin) => {
    const ends: Record<string, string> = {};
    for (const topic of await platformTopics(admin, scope)) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends[`${topic}/${p.partition}`] = p.high;
    }
    return ends;
  });
}

export async function dumpKafka(kafka: Kafka, scope: Scope, work: Workdir): Promise<KafkaPart> {
  const { topics, groups } = await withAdmin(kafka, async (admin) => {
    const names = await platformTopics(admin, scope);
    const topics: TopicPart[] = [];
    for (const topic of names) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const partitions = offsets
        .sort((a, b) => a.partition - b.partition)
        .map((p) => ({ partition: p.partition, low: p.low, high: p.high, records: 0, file: `kafka/topics/${topic}/${p.partition}.jsonl` }));
      topics.push({ topic, configs: await topicConfigs(admin, topic), partitions });
    }
    const groups: GroupPart[] = [];
    for (const groupId of await platformGroups(admin, scope)) {
      const committed = await admin.fetchOffsets({ groupId });
      const offsets = committed.flatMap(({ topic, partitions }) => partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ topic, partition: p.partition, offset: p.offset })));
      groups.push({ groupId, offsets });
    }
    return { topics, groups };
  });
  await readEveryRecord(kafka, topics, work);
  return { topics, groups };
}

async function topicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  const entries = resources[0]?.configEntries ?? [];
  return Object.fromEntries(entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.isSensitive).map((e) => [e.configName, e.configValue]));
}

/** Reads every partition from its first offset up to the end offset recorded above, each record once, in order. */
async function readEveryRecord(kafka: Kafka, topics: TopicPart[], work: Workdir): Promise<void> {
  const wanted = new Map<string, { end: bigint; shape: TopicPart["partitions"][number]; out: LineWriter }>();
  for (const { topic, partitions } of topics) {
    for (const shape of partitions) {
      const out = await work.lines(shape.file);
      if (BigInt(shape.high) > BigInt(shape.low)) wanted.set(`${topic}/${shape.partition}`, { end: BigInt(shape.high), shape, out });
      else await out.close();
    }
  }
  const open = new Set(wanted.keys());
  const reading = [...new Set([...wanted.keys()].map((k) => k.slice(0, k.lastIndexOf("/"))))];
  if (reading.length === 0) return;
  // Outside every platform's names (not "<prefix>kepu."), and deleted afterwards.
  const groupId = `kepu-backup-${randomBytes(6).toString("hex")}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: reading, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const name = `${topic}/${partition}`;
        const target = wanted.get(name);
        if (!target || !open.has(name) || BigInt(message.offset) >= target.end) return;
        await target.out.write(JSON.stringify(recordLine(message)));
        target.shape.records++;
        if (BigInt(message.offset) + 1n >= target.end) {
          open.delete(name);
          await target.out.close();
        }
      },
    });
    await waitFor(() => open.size === 0, { timeoutMs: 10 * 60_000, what: `reading every topic to its end (left: ${[...open].slice(0, 5).join(", ")})` });
  } finally {
    await consumer.disconnect();
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}

function recordLine(message: KafkaMessage): RecordLine {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.push([name, Buffer.from(one).toString("base64")]);
  }
  return {
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key === null ? null : message.key.toString("base64"),
    value: message.value === null ? null : message.value.toString("base64"),
    headers,
  };
}

function messageOf(line: RecordLine, partition: number): Message {
  const headers: IHeaders = {};
  for (const [name, value] of line.headers) {
    const bytes = Buffer.from(value, "base64");
    const had = headers[name];
    headers[name] = had === undefined ? bytes : [...(Array.isArray(had) ? had : [had]), bytes];
  }
  return {
    partition,
    timestamp: line.timestamp,
    key: line.key === null ? null : Buffer.from(line.key, "base64"),
    value: line.value === null ? null : Buffer.from(line.value, "base64"),
    headers,
  };
}

export interface KafkaRestored {
  records: number;
  /** Partitions whose records got new offsets (the source's started above 0 or had gaps); group offsets were moved with them. */
  renumbered: string[];
}

export async function restoreKafka(kafka: Kafka, part: KafkaPart, work: Workdir): Promise<KafkaRestored> {
  await createTopics(kafka, part.topics);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const sourceOffsets = new Map<string, bigint[]>();
  const renumbered: string[] = [];
  let records = 0;
  try {
    for (const { topic, partitions } of part.topics) {
      for (const shape of partitions) {
        const offsets: bigint[] = [];
        let batch: Message[] = [];
        const send = async () => {
          if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
          batch = [];
        };
        for await (const text of work.readLines(shape.file)) {
          const line = JSON.parse(text) as RecordLine;
          offsets.push(BigInt(line.offset));
          batch.push(messageOf(line, shape.partition));
          if (batch.length >= 500) await send();
        }
        await send();
        records += offsets.length;
        sourceOffsets.set(`${topic}/${shape.partition}`, offsets);
        if (!offsetsKept(shape)) renumbered.push(`${topic}/${shape.partition}`);
      }
    }
  } finally {
    await producer.disconnect();
  }
  await withAdmin(kafka, async (admin) => {
    for (const { topic, partitions } of part.topics) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      for (const shape of partitions) {
        const end = ends.get(shape.partition);
        if (end !== String(shape.records)) throw new Error(`${topic}/${shape.partition}: ends at offset ${end} after restore, the backup has ${shape.records} records`);
      }
    }
    for (const group of part.groups) {
      const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
      for (const { topic, partition, offset } of group.offsets) {
        const offsets = sourceOffsets.get(`${topic}/${partition}`);
        if (!offsets) continue; // a topic outside the platform, or deleted before the backup
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset: String(restoredOffset(offsets, BigInt(offset))) }]);
      }
      for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId: group.groupId, topic, partitions });
    }
  });
  return { records, renumbered };
}

/**
 * The topics as the bus creates them (ensureTopics: its settings for the kind of topic, checked), with
 * the source's partition count; then the other settings the source had on each topic are applied. The
 * bus's own settings (retention, cleanup policy) win over old ones: a restored platform keeps its history.
 */
async function createTopics(kafka: Kafka, topics: TopicPart[]): Promise<void> {
  const groups = new Map<string, { count: number; kind: TopicKind; names: string[] }>();
  for (const { topic, partitions } of topics) {
    const kind = kindOf(topic);
    const key = `${kind}/${partitions.length}`;
    groups.set(key, { count: partitions.length, kind, names: [...(groups.get(key)?.names ?? []), topic] });
  }
  for (const { names, count, kind } of groups.values()) await ensureTopics(kafka, names, count, kind);
  await withAdmin(kafka, async (admin) => {
    for (const { topic, configs, partitions } of topics) {
      const made = (await admin.fetchTopicOffsets(topic)).length;
      if (made !== partitions.length) throw new Error(`${topic} has ${made} partitions, the backup has ${partitions.length}: it existed before the restore`);
      const busOwns = topicSettings[kindOf(topic)];
      const others = Object.entries(configs).filter(([name]) => !(name in busOwns));
      if (others.length === 0) continue;
      const merged = { ...(await topicConfigs(admin, topic)), ...Object.fromEntries(others) };
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })) }],
      });
    }
  });
}

const deadLetterSuffix = deadLetterTopicFor("");

function kindOf(topic: string): TopicKind {
  return topic.endsWith(deadLetterSuffix) ? "dead-letter" : "domain";
}
