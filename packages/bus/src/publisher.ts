import { Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import { encodeEnvelope, type EventEnvelope } from "./envelope.js";

/** A message ready for Kafka: what the outbox stores and the relay sends. */
export interface OutgoingMessage {
  topic: string;
  /** The aggregate id: keeps one aggregate's events in one partition, in order. */
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
}

/**
 * `key` defaults to the aggregate id; one key's events stay in one partition, in order. No headers:
 * the envelope already names the type, event and correlation, and kafkajs writes and reads each
 * header as Buffers of its own — a third of publishing and half of consuming (bench/bus).
 */
export function toOutgoing(topic: string, envelope: EventEnvelope, key = envelope.aggregateId): OutgoingMessage {
  return {
    topic,
    key,
    value: encodeEnvelope(envelope),
    headers: {},
  };
}

/**
 * Publishes with acks=all. One request in flight, so retries cannot reorder an aggregate's
 * events; throughput comes from batching many messages per send.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      idempotent: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async publish(topic: string, envelopes: EventEnvelope[]): Promise<void> {
    await this.send(envelopes.map((e) => toOutgoing(topic, e)));
  }

  /** Sends messages of any topics in one batch; resolves once the broker has them all. */
  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      // A view, not a copy: the encoded envelope is not touched after this.
      list.push({ key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength), headers: m.headers });
      byTopic.set(m.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
