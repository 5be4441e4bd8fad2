export { outboxEntry, saveAggregate, type AggregateWrite, type OutboxEntry, type OutboxFields, type SaveResult } from "./aggregate.js";
export { OutboxRelay, type RelayOptions } from "./relay.js";
