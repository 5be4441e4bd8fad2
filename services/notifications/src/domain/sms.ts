// SMS rules, pure: quiet hours in Beijing time, the daily cap, retries with backoff, the text.
import { calendar as deploymentCalendar, type Calendar } from "@kepu/calendar";

const hour = 3_600_000;
/** Quiet hours: from 22:00 to 08:00 in the deployment's zone (Beijing). */
export const quietFromHour = 22;
export const quietUntilHour = 8;

/**
 * When an SMS may go out: now, or — inside quiet hours — at the next 08:00. Deferred, never
 * dropped. (Counted from local midnight: exact in zones without daylight saving, as Beijing.)
 */
export function smsDueAt(now: Date, cal: Calendar = deploymentCalendar): Date {
  const midnight = cal.startOf("day", now);
  const sinceMidnight = now.getTime() - midnight.getTime();
  if (sinceMidnight < quietUntilHour * hour) return new Date(midnight.getTime() + quietUntilHour * hour);
  if (sinceMidnight >= quietFromHour * hour) return new Date(cal.deadline(cal.dateOf(now)).getTime() + quietUntilHour * hour);
  return now;
}

/** What the sender loop does with a due SMS. */
export type SmsDecision =
  | { kind: "send" }
  | { kind: "wait"; until: Date } // quiet hours began meanwhile (a retry that fell into the night)
  | { kind: "skip"; status: "capped" | "optedOut" };

export function decideSms(now: Date, sentToday: number, dailyCap: number, optedIn: boolean, cal: Calendar = deploymentCalendar): SmsDecision {
  if (!optedIn) return { kind: "skip", status: "optedOut" };
  const due = smsDueAt(now, cal);
  if (due.getTime() > now.getTime()) return { kind: "wait", until: due };
  if (sentToday >= dailyCap) return { kind: "skip", status: "capped" };
  return { kind: "send" };
}

/** After a failed try: when to try again (2 s doubling, at most 1 h), or dead once tries are spent. */
export function afterFailure(attempts: number, maxAttempts: number, now: Date): { kind: "retry"; at: Date } | { kind: "dead" } {
  if (attempts >= maxAttempts) return { kind: "dead" };
  return { kind: "retry", at: new Date(now.getTime() + Math.min(2_000 * 2 ** (attempts - 1), hour)) };
}

/** The SMS text: the platform's signature (as SMS rules require), the title and the body, in Chinese. */
export function smsText(title: string, body: string): string {
  return `【科普服务平台】${title}：${body}`;
}
