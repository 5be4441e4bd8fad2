export { createKafka, ensureTopics, type KafkaOptions } from "./kafka.js";
export { newEvent, encodeEnvelope, decodeEnvelope, occurredAt, EventEnvelopeSchema, ActorSchema, type EventMeta, type EventEnvelope, type Actor } from "./envelope.js";
export { EventPublisher, toOutgoing, type OutgoingMessage } from "./publisher.js";
export { EventConsumer, type ConsumedEvent, type ConsumerOptions, type ConsumerCounters, type EventHandler, type BatchHandler } from "./consumer.js";
export { readDeadLetters, redriveDeadLetters, type DeadLetter } from "./dead-letters.js";
export { contexts, topicFor, deadLetterTopicFor, groupFor, type Context } from "./topics.js";
export { topicSettings, configEntriesFor, deadLetterRetentionDays, historyLosses, retentionFixCommand, retentionRefusal, type TopicKind, type HistoryLoss } from "./retention.js";
