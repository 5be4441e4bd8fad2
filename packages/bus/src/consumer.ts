import { fromBinary, type DescMessage, type Message, type MessageShape } from "@bufbuild/protobuf";
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from "kafkajs";
import { contractsRegistry } from "@kepu/contracts";
import { engineErrorOf, isKepuError } from "@kepu/errors";
import type { Logger } from "@kepu/log";
import { decodeEnvelope, type EventEnvelope } from "./envelope.js";
import { ensureTopics } from "./kafka.js";
import { EventPublisher } from "./publisher.js";
import { deadLetterTopicFor } from "./topics.js";

export interface ConsumedEvent<T = Message> {
  envelope: EventEnvelope;
  payload: T;
  topic: string;
  partition: number;
  offset: string;
}

export type EventHandler<T = Message> = (event: ConsumedEvent<T>) => Promise<void>;
export type BatchHandler = (events: ConsumedEvent[]) => Promise<void>;

/** What a fetched message turned out to be. */
type Decoded = { kind: "event"; event: ConsumedEvent; handlers: EventHandler[] } | { kind: "skip" } | { kind: "poison"; reason: string };

/** Events handed to a batch handler at once: large enough to merge writes, small enough to heartbeat. */
const chunkSize = 1_000;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Tries before a failing event goes to the dead-letter topic. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. */
  backoffMs?: number;
  /** Partitions handled at once; within a partition events are handled one by one, in order. */
  concurrency?: number;
  fromBeginning?: boolean;
}

export interface ConsumerCounters {
  handled: number;
  /** Types this consumer has no handler for, or that no contract knows (a newer producer). */
  skipped: number;
  deadLettered: number;
  retries: number;
  /** Times the consumer was rebuilt after kafkajs gave up on it. */
  restarts: number;
}

/** Errors worth waiting out rather than dead-lettering: an engine is down, not the event bad. */
function isTransient(error: unknown): boolean {
  const kepu = isKepuError(error) ? error : engineErrorOf(error);
  if (kepu) return kepu.kind === "unavailable";
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  return /Mongo(Network|ServerSelection|NotConnected)Error|PoolClearedError/.test(name) || /ECONNREFUSED|ECONNRESET/.test(message);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consumes envelopes from topics and hands each payload to the handler registered for its type.
 * Delivery is at least once, so handlers must be idempotent. A message that cannot be decoded,
 * or whose handler keeps failing, goes to the group's dead-letter topic with the reason, and the
 * partition moves on.
 */
export class EventConsumer {
  readonly counters: ConsumerCounters = { handled: 0, skipped: 0, deadLettered: 0, retries: 0, restarts: 0 };
  readonly deadLetterTopic: string;
  private readonly handlers = new Map<string, EventHandler[]>();
  private readonly everyHandlers: EventHandler[] = [];
  private batchHandler: BatchHandler | undefined;
  private consumer: Consumer;
  private readonly deadLetters: EventPublisher;
  private readonly log: Logger;
  private running = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = this.newConsumer();
    this.deadLetters = new EventPublisher(kafka);
    this.deadLetterTopic = deadLetterTopicFor(options.groupId);
    this.log = options.logger.child({ component: "consumer", group: options.groupId });
  }

  /** Handles one event type; the payload arrives decoded and typed. */
  on<D extends DescMessage>(schema: D, handler: EventHandler<MessageShape<D>>): this {
    const list = this.handlers.get(schema.typeName) ?? [];
    list.push(handler as unknown as EventHandler);
    this.handlers.set(schema.typeName, list);
    return this;
  }

  /** Handles every event a contract knows (projections such as stats). */
  onEvery(handler: EventHandler): this {
    this.everyHandlers.push(handler);
    return this;
  }

  /**
   * Handles every event a contract knows many at a time, in partition order (projections that
   * merge writes). When the batch handler fails, its events go one by one through `each`, with
   * the usual retries and dead letters, so one bad event cannot stop a partition.
   */
  onEveryBatch(handler: BatchHandler, each: EventHandler): this {
    this.batchHandler = handler;
    return this.onEvery(each);
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [this.deadLetterTopic], 1, "dead-letter");
    await this.deadLetters.connect();
    this.running = true;
    await this.run();
  }

  private newConsumer(): Consumer {
    // A session of 6 s (the broker's minimum): a member whose process was killed leaves the group
    // that soon, so the restarted service's join — which waits for it — completes within seconds.
    // A fetch the broker holds up to 2 s when there is nothing to read (it answers as soon as a
    // message arrives, so this is no latency) and a heartbeat every 2 s (three per session): an idle
    // consumer sends one request a second, where it sent two at 1 s — each costs the broker and the
    // service, and requests were most of both's idle CPU (issue 20, bench/idle: Kafka's request threads,
    // kafkajs in every service). kafkajs heartbeats after each fetch, so once per heartbeatInterval.
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, sessionTimeout: 6_000, heartbeatInterval: 2_000, maxWaitTimeInMs: 2_000 });
    // kafkajs restarts itself after retriable errors only; after any other crash (or once its own
    // retries are spent, e.g. a broker down for long) the consumer would stay stopped while the
    // service looks healthy. The group must keep flowing, so a crash always leads to a restart.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.log.error({ err: payload.error, restart: payload.restart }, "consumer crashed");
      if (!payload.restart) void this.restartAfterCrash();
    });
    return consumer;
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.concurrency ?? 3,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async restartAfterCrash(): Promise<void> {
    for (let attempt = 1; this.running; attempt++) {
      await delay(Math.min(500 * 2 ** attempt, 10_000));
      if (!this.running) return;
      try {
        await this.consumer.disconnect().catch(() => undefined);
        this.consumer = this.newConsumer();
        await this.run();
        this.counters.restarts++;
        this.log.warn({ attempt }, "consumer restarted after a crash");
        return;
      } catch (error) {
        this.log.error({ err: error, attempt }, "consumer restart failed; trying again");
      }
    }
  }

  /** Lets the events being handled finish, commits, and leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
    await this.deadLetters.disconnect();
  }

  /**
   * One partition's fetched batch, in order. Each offset is marked done as soon as its message is
   * handled, so a stop or a rebalance mid-batch redelivers only what was not handled.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    if (this.batchHandler) return this.handleInChunks(payload);
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await this.handleMessage(batch.topic, batch.partition, message, heartbeat);
      resolveOffset(message.offset);
      // A long batch must not outlast the session: kafkajs sends a heartbeat at most once per
      // heartbeatInterval, so asking after every message costs nothing.
      await heartbeat();
    }
  }

  private async handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<void> {
    const decoded = this.decode(topic, partition, message);
    if (decoded.kind === "poison") return this.deadLetter({ topic, partition, offset: message.offset }, message.key, message.value, message.headers, decoded.reason, 1);
    if (decoded.kind === "event") await this.handleWithRetries(decoded.event, decoded.handlers, heartbeat, message);
  }

  /**
   * The batch handler's way through a partition's batch: events gathered into chunks; a poison
   * message first lets the chunk before it be handled, so offsets are still marked in order.
   */
  private async handleInChunks({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    let chunk: { event: ConsumedEvent; message: KafkaMessage }[] = [];
    let lastOffset: string | undefined;
    const flush = async () => {
      if (chunk.length > 0) await this.handleChunk(chunk, heartbeat);
      if (lastOffset !== undefined) resolveOffset(lastOffset);
      chunk = [];
      lastOffset = undefined;
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return; // the gathered chunk is left unmarked: redelivered
      const decoded = this.decode(batch.topic, batch.partition, message);
      if (decoded.kind === "poison") {
        await flush();
        await this.deadLetter({ topic: batch.topic, partition: batch.partition, offset: message.offset }, message.key, message.value, message.headers, decoded.reason, 1);
        resolveOffset(message.offset);
        continue;
      }
      if (decoded.kind === "event") chunk.push({ event: decoded.event, message });
      lastOffset = message.offset;
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
  }

  private async handleChunk(chunk: { event: ConsumedEvent; message: KafkaMessage }[], heartbeat: () => Promise<void>): Promise<void> {
    try {
      await this.batchHandler!(chunk.map((c) => c.event));
      this.counters.handled += chunk.length;
    } catch (error) {
      this.log.warn({ err: error, events: chunk.length }, "batch failed; handling its events one by one");
      for (const { event, message } of chunk) await this.handleWithRetries(event, this.everyHandlers, heartbeat, message);
    }
  }

  private decode(topic: string, partition: number, message: KafkaMessage): Decoded {
    let envelope: EventEnvelope;
    try {
      envelope = decodeEnvelope(message.value ?? new Uint8Array());
    } catch (error) {
      return { kind: "poison", reason: `undecodable envelope: ${reasonOf(error)}` };
    }
    const schema = contractsRegistry.getMessage(envelope.type);
    const handlers = [...(this.handlers.get(envelope.type) ?? []), ...this.everyHandlers];
    if (!schema || handlers.length === 0) {
      this.counters.skipped++;
      return { kind: "skip" };
    }
    try {
      return { kind: "event", event: { envelope, payload: fromBinary(schema, envelope.payload), topic, partition, offset: message.offset }, handlers };
    } catch (error) {
      return { kind: "poison", reason: `undecodable ${envelope.type}: ${reasonOf(error)}` };
    }
  }

  private async handleWithRetries(
    event: ConsumedEvent,
    handlers: EventHandler[],
    heartbeat: () => Promise<void>,
    message: KafkaMessage,
  ): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const backoffMs = this.options.backoffMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        for (const handler of handlers) await handler(event);
        this.counters.handled++;
        return;
      } catch (error) {
        const transient = isTransient(error);
        if (!transient && attempt >= maxAttempts) {
          const where = { topic: event.topic, partition: event.partition, offset: event.offset };
          return this.deadLetter(where, message.key, message.value, message.headers, `${event.envelope.type}: ${reasonOf(error)}`, attempt);
        }
        this.counters.retries++;
        this.log.warn({ err: error, attempt, eventId: event.envelope.eventId, type: event.envelope.type }, "handler failed, retrying");
        await delay(Math.min(backoffMs * 2 ** (attempt - 1), 5_000));
        await heartbeat();
      }
    }
  }

  private async deadLetter(
    where: { topic: string; partition: number; offset: string },
    key: Buffer | null,
    value: Buffer | null,
    headers: IHeaders | undefined,
    reason: string,
    attempts: number,
  ): Promise<void> {
    const kept: Record<string, string> = {};
    for (const [name, header] of Object.entries(headers ?? {})) if (header !== undefined) kept[name] = String(header);
    await this.deadLetters.send([
      {
        topic: this.deadLetterTopic,
        key: key?.toString() ?? "",
        value: value ?? new Uint8Array(),
        headers: {
          ...kept,
          "kepu-dlq-reason": reason.slice(0, 1000),
          "kepu-dlq-attempts": String(attempts),
          "kepu-dlq-group": this.options.groupId,
          "kepu-original-topic": where.topic,
          "kepu-original-partition": String(where.partition),
          "kepu-original-offset": where.offset,
          "kepu-dlq-at": new Date().toISOString(),
        },
      },
    ]);
    this.counters.deadLettered++;
    this.log.error({ ...where, reason, attempts }, "event dead-lettered");
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
