import type { Logger } from "@kepu/log";
import type { Clock } from "@kepu/calendar/clock";
import type { Draft } from "./domain/rules.js";
import { smsDueAt, smsText } from "./domain/sms.js";
import type { DueStore } from "./store/due-store.js";
import { toStored, type InboxStore, type StoredNotification } from "./store/inbox-store.js";
import type { SmsStore } from "./store/sms-store.js";

/**
 * The use case every happening ends in: store the notifications in their mailboxes and queue the
 * SMS of those who opted in. Every step is idempotent and the caller (the consumer, the reminder
 * timer) marks the happening done only after this returns — so a crash or a redelivery neither
 * drops nor doubles a notification.
 */
export class Notifier {
  constructor(
    private readonly inbox: InboxStore,
    private readonly sms: SmsStore,
    private readonly due: DueStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async notify(eventId: string, at: Date, drafts: Draft[]): Promise<StoredNotification[]> {
    if (drafts.length === 0) return [];
    const stored = drafts.map((d) => toStored(d, eventId, at));
    const fresh = await this.inbox.deliver(stored);
    await this.queueSms(drafts, stored);
    if (fresh.length > 0) this.log.debug({ eventId, notifications: fresh.length }, "notified");
    return fresh;
  }

  private async queueSms(drafts: Draft[], stored: StoredNotification[]): Promise<void> {
    const wanted = drafts.map((d, i) => ({ draft: d, note: stored[i]! })).filter(({ draft }) => draft.sms && draft.mailbox.startsWith("person:"));
    if (wanted.length === 0) return;
    const personOf = (mailbox: string) => mailbox.slice("person:".length);
    const phones = await Promise.all(wanted.map(({ draft }) => this.sms.phoneFor(personOf(draft.mailbox), draft.orderId)));
    const dueAt = smsDueAt(this.clock());
    const docs = wanted.flatMap(({ draft, note }, i) => {
      const to = phones[i];
      if (!to) return [];
      const doc = { _id: note._id, personId: personOf(draft.mailbox), text: smsText(draft.title, draft.body), status: "due" as const, dueAt, attempts: 0, reason: "", sentAt: null };
      return [to.viaContact ? { ...doc, contactOrderId: draft.orderId } : doc];
    });
    await this.sms.enqueue(docs);
    await this.due.file("sms", dueAt, docs.map((d) => d._id));
  }
}
