/** The bounded contexts that publish events, one topic each: kepu.<context>.v1. */
export const contexts = ["registry", "dispatch", "events"] as const;
export type Context = (typeof contexts)[number];

/** `prefix` isolates tests and parallel stacks sharing one broker. */
export function topicFor(context: string, prefix = ""): string {
  return `${prefix}kepu.${context}.v1`;
}

/** One dead-letter topic per consumer group, so each group's failures can be read and re-driven. */
export function deadLetterTopicFor(groupId: string): string {
  return `${groupId}.dlq`;
}

/** Consumer groups are prefixed like topics so that parallel stacks never share offsets. */
export function groupFor(service: string, purpose: string, prefix = ""): string {
  return `${prefix}kepu.${service}.${purpose}`;
}
