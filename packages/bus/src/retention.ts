import { kepuError, type KepuError } from "@kepu/errors";

/**
 * What a topic holds decides how long it keeps it:
 * - "domain" (`kepu.<context>.v1`): the system's memory. Every event is kept for good and never
 *   compacted — no event carries an aggregate's whole state (there are no snapshot events), so
 *   compaction would drop history a rebuild or a new consumer group needs.
 * - "dead-letter" (`<group>.dlq`): messages a group gave up on, kept 30 days for someone to read
 *   and re-drive (`pnpm dlq`); the original stays in its domain topic for good anyway.
 */
export type TopicKind = "domain" | "dead-letter";

export const deadLetterRetentionDays = 30;

/** The topic-level settings the bus creates each kind of topic with. */
export const topicSettings: Record<TopicKind, Readonly<Record<string, string>>> = {
  domain: { "cleanup.policy": "delete", "retention.ms": "-1", "retention.bytes": "-1" },
  "dead-letter": { "cleanup.policy": "delete", "retention.ms": String(deadLetterRetentionDays * 86_400_000), "retention.bytes": "-1" },
};

/** The same settings as kafkajs's `configEntries`. */
export function configEntriesFor(kind: TopicKind): { name: string; value: string }[] {
  return Object.entries(topicSettings[kind]).map(([name, value]) => ({ name, value }));
}

/** A setting of a domain topic that would lose history: what it is, and what it must be. */
export interface HistoryLoss {
  name: string;
  actual: string;
  wanted: string;
}

/**
 * The effective settings (topic override or broker default, as `describeConfigs` reports them)
 * that would delete or compact a domain topic's events. Empty: the topic keeps every event.
 */
export function historyLosses(effective: Readonly<Record<string, string | undefined>>): HistoryLoss[] {
  const wanted = topicSettings.domain;
  const losses: HistoryLoss[] = [];
  const policy = effective["cleanup.policy"] ?? "delete";
  if (policy.split(",").map((p) => p.trim()).includes("compact")) losses.push({ name: "cleanup.policy", actual: policy, wanted: wanted["cleanup.policy"]! });
  for (const name of ["retention.ms", "retention.bytes"]) {
    const actual = effective[name] ?? "-1";
    if (actual !== "-1") losses.push({ name, actual, wanted: wanted[name]! });
  }
  return losses;
}

/** The kafka-configs command line that makes a topic keep its history. */
export function retentionFixCommand(topic: string, bootstrapServer: string, losses: HistoryLoss[]): string {
  const settings = losses.map((l) => `${l.name}=${l.wanted}`).join(",");
  return `kafka-configs.sh --bootstrap-server ${bootstrapServer} --alter --entity-type topics --entity-name ${topic} --add-config ${settings}`;
}

/**
 * Why a service must not start on a domain topic, or undefined when the topic keeps every event.
 * A rebuild "from offset 0" on such a topic would report figures that look right and are not.
 */
export function retentionRefusal(topic: string, effective: Readonly<Record<string, string | undefined>>, bootstrapServer: string): KepuError | undefined {
  const losses = historyLosses(effective);
  if (losses.length === 0) return undefined;
  const found = losses.map((l) => `${l.name}=${l.actual}`).join(", ");
  const command = retentionFixCommand(topic, bootstrapServer, losses);
  return kepuError(
    "internal",
    "TOPIC_LOSES_HISTORY",
    `主题 ${topic} 的设置（${found}）会删除事件，而领域主题必须永久保留每个事件，服务拒绝启动。请执行：${command}（若事件已被删除，请先从备份恢复）`,
    `Topic ${topic} has ${found}, which deletes events; a domain topic must keep every event for good, so this service refuses to start. Run: ${command} (if events were already deleted, restore them from a backup first)`,
  );
}
