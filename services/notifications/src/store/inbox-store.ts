import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { MongoBulkWriteError, type Collection, type Db } from "mongodb";
import { serializedWrite } from "@kepu/mongo";
import type { Draft, Mailbox } from "../domain/rules.js";

/** A notification as stored: one document per (event, mailbox), found by _id only. */
export type StoredNotification = Omit<Draft, "sms"> & { _id: string; eventId: string; at: Date };

/**
 * One document per mailbox: the ids of its newest notifications (oldest first) and those unread.
 * A person's list reads her mailboxes' documents and the page's notifications, each by _id —
 * never a scan of everyone's (FerretDB pushes down nothing but a lone _id).
 */
interface InboxDoc {
  _id: string;
  ids: string[];
  unread: string[];
}

/** How many notifications a mailbox keeps listed; older ones drop out of the list (and the count). */
export const inboxCap = 500;

/** The id of (event, mailbox): a redelivered event finds its notification already there. */
export function notificationId(eventId: string, mailbox: Mailbox): string {
  return createHash("sha256").update(`${eventId}\u0000${mailbox}`).digest("base64url").slice(0, 22);
}

export function toStored(draft: Draft, eventId: string, at: Date): StoredNotification {
  const { sms: _sms, ...fields } = draft;
  return { _id: notificationId(eventId, draft.mailbox), ...fields, eventId, at };
}

export interface InboxPage {
  notifications: (StoredNotification & { read: boolean })[];
  nextOffset: number | undefined;
  unread: number;
}

/** The in-app channel: notifications, the mailboxes' lists and unread sets, and the live feed. */
export class InboxStore {
  readonly notifications: Collection<StoredNotification>;
  readonly inboxes: Collection<InboxDoc>;
  /** Emits (mailbox, notification) once a notification is in its mailbox: WatchInbox listens. */
  readonly feed = new EventEmitter().setMaxListeners(0);

  constructor(db: Db) {
    this.notifications = db.collection<StoredNotification>("notifications");
    this.inboxes = db.collection<InboxDoc>("inboxes");
  }

  /**
   * Stores notifications and puts each in its mailbox. Both writes are idempotent (the insert of
   * an id already there is ignored, the list adds a set), so a redelivery after a crash between
   * them completes what was half done and notifies nobody twice. Returns those that were new.
   */
  async deliver(batch: StoredNotification[]): Promise<StoredNotification[]> {
    if (batch.length === 0) return [];
    const fresh = await this.insertNew(batch);
    const byMailbox = new Map<Mailbox, string[]>();
    for (const n of batch) byMailbox.set(n.mailbox, [...(byMailbox.get(n.mailbox) ?? []), n._id]);
    await inParallel([...byMailbox], 32, ([mailbox, ids]) => this.addToMailbox(mailbox, ids));
    for (const n of fresh) this.feed.emit("notification", n);
    return fresh;
  }

  private async insertNew(batch: StoredNotification[]): Promise<StoredNotification[]> {
    try {
      await this.notifications.insertMany(batch, { ordered: false });
      return batch;
    } catch (error) {
      const failed = writeErrorsOf(error);
      if (!failed) throw error;
      if (failed.some((e) => e.code !== 11000)) throw error;
      const duplicates = new Set(failed.map((e) => batch[e.index]!._id));
      return batch.filter((n) => !duplicates.has(n._id));
    }
  }

  private async addToMailbox(mailbox: Mailbox, ids: string[]): Promise<void> {
    await serializedWrite(this.inboxes.collectionName, mailbox, async () => {
      const doc = await this.inboxes.findOneAndUpdate(
        { _id: mailbox },
        { $addToSet: { ids: { $each: ids }, unread: { $each: ids } } },
        { upsert: true, returnDocument: "after" },
      );
      const overflow = doc && doc.ids.length > inboxCap ? doc.ids.slice(0, doc.ids.length - inboxCap) : [];
      if (overflow.length > 0) await this.inboxes.updateOne({ _id: mailbox }, { $pullAll: { ids: overflow, unread: overflow } });
    });
  }

  private async mailboxDocs(mailboxes: Mailbox[]): Promise<InboxDoc[]> {
    const docs = await Promise.all(mailboxes.map((m) => this.inboxes.findOne({ _id: m })));
    return docs.filter((d): d is InboxDoc => d !== null);
  }

  async unread(mailboxes: Mailbox[]): Promise<number> {
    return (await this.mailboxDocs(mailboxes)).reduce((sum, d) => sum + d.unread.length, 0);
  }

  /** Newest first across the mailboxes; `offset` counts from the newest. */
  async page(mailboxes: Mailbox[], offset: number, size: number): Promise<InboxPage> {
    const docs = await this.mailboxDocs(mailboxes);
    const unread = new Set(docs.flatMap((d) => d.unread));
    const ids = docs.flatMap((d) => d.ids);
    const loaded = await Promise.all(ids.map((id) => this.notifications.findOne({ _id: id })));
    const all = loaded.filter((n): n is StoredNotification => n !== null).sort((a, b) => b.at.getTime() - a.at.getTime() || (a._id < b._id ? -1 : 1));
    const slice = all.slice(offset, offset + size);
    return {
      notifications: slice.map((n) => ({ ...n, read: !unread.has(n._id) })),
      nextOffset: offset + size < all.length ? offset + size : undefined,
      unread: unread.size,
    };
  }

  /** Marks read the given ids (those in the mailboxes; others are ignored), or every one. */
  async markRead(mailboxes: Mailbox[], ids: string[] | "all"): Promise<number> {
    for (const mailbox of mailboxes) {
      await serializedWrite(this.inboxes.collectionName, mailbox, async () => {
        const doc = await this.inboxes.findOne({ _id: mailbox });
        if (!doc) return;
        const read = ids === "all" ? doc.unread : doc.unread.filter((id) => ids.includes(id));
        if (read.length > 0) await this.inboxes.updateOne({ _id: mailbox }, { $pullAll: { unread: read } });
      });
    }
    return this.unread(mailboxes);
  }
}

function writeErrorsOf(error: unknown): { index: number; code: number }[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const errors = error.writeErrors;
  return (Array.isArray(errors) ? errors : [errors]).map((e) => ({ index: e.index, code: e.code }));
}

/** Runs `work` on every item, at most `limit` at once. */
export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
