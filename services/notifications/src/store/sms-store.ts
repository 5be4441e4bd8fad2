import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { Binary, type Collection, type Db } from "mongodb";
import { maskPhone } from "@kepu/privacy";

/** One SMS to send (its _id is its notification's): the delivery log too, with status and reason. */
export interface SmsDoc {
  _id: string;
  personId: string;
  text: string;
  status: "due" | "sent" | "capped" | "optedOut" | "dead";
  dueAt: Date;
  attempts: number;
  reason: string;
  sentAt: Date | null;
  /** 代点单: the order whose noted contact holds the phone, for a person who never set her own. */
  contactOrderId?: string;
}

/** 代点单 for a resident without an account: the phone (encrypted) her order's SMS go to, by order. */
interface ContactDoc {
  _id: string;
  personId: string;
  notedBy: string;
  phone: Binary;
  phoneMasked: string;
  notedAt: Date;
}

/** A person's channels: SMS opt-in and the phone given for it, encrypted (AES-256-GCM). */
interface SettingsDoc {
  _id: string;
  smsEnabled: boolean;
  phone: Binary | null;
  phoneMasked: string;
}

interface DayCountDoc {
  _id: string;
  sent: number;
}

export interface Settings {
  smsEnabled: boolean;
  phoneMasked: string;
}

/** Encrypts and decrypts phones; the key is 32 bytes (base64), or a development key when none is set. */
export class PhoneCipher {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = base64Key ? Buffer.from(base64Key, "base64") : createHash("sha256").update("kepu-notifications-development-only").digest();
    if (this.key.length !== 32) throw new Error("NOTIFICATIONS_PHONE_KEY 须为 32 字节的 base64 / NOTIFICATIONS_PHONE_KEY must be 32 bytes, base64");
  }

  seal(phone: string): Binary {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(phone, "utf8"), cipher.final()]);
    return new Binary(Buffer.concat([iv, cipher.getAuthTag(), data]));
  }

  open(sealed: Binary): string {
    const bytes = Buffer.from(sealed.buffer);
    const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  }
}

/** The SMS channel's documents: the queue and log, people's settings, and each day's count per person. */
export class SmsStore {
  readonly queue: Collection<SmsDoc>;
  private readonly settings: Collection<SettingsDoc>;
  private readonly days: Collection<DayCountDoc>;
  private readonly contacts: Collection<ContactDoc>;

  constructor(
    db: Db,
    private readonly cipher: PhoneCipher,
  ) {
    this.queue = db.collection<SmsDoc>("sms");
    this.settings = db.collection<SettingsDoc>("settings");
    this.days = db.collection<DayCountDoc>("sms_days");
    this.contacts = db.collection<ContactDoc>("order_contacts");
  }

  /**
   * Notes the phone an order's SMS go to (代点单, a resident without an account). The first note
   * of an order stands: the same again changes nothing, another person's is refused (false).
   */
  async noteContact(orderId: string, personId: string, notedBy: string, phone: string): Promise<boolean> {
    const existing = await this.contacts.findOne({ _id: orderId });
    if (existing) return existing.personId === personId && this.cipher.open(existing.phone) === phone;
    await this.contacts.insertOne({ _id: orderId, personId, notedBy, phone: this.cipher.seal(phone), phoneMasked: maskPhone(phone), notedAt: new Date() }).catch((error: { code?: number }) => {
      if (error.code !== 11000) throw error; // noted meanwhile by a retry: that one stands
    });
    return true;
  }

  /**
   * Where a person's SMS about an order go: her own number if she opted in; none if she chose no
   * SMS; else the number noted with the order (代点单), if any.
   */
  async phoneFor(personId: string, orderId: string): Promise<{ phone: string; viaContact: boolean } | undefined> {
    const settings = await this.settings.findOne({ _id: personId });
    if (settings?.smsEnabled && settings.phone) return { phone: this.cipher.open(settings.phone), viaContact: false };
    if (settings || !orderId) return undefined;
    const contact = await this.contacts.findOne({ _id: orderId });
    return contact && contact.personId === personId ? { phone: this.cipher.open(contact.phone), viaContact: true } : undefined;
  }

  /** Queues SMS; one already queued (a redelivery) is left as it is. */
  async enqueue(docs: SmsDoc[]): Promise<void> {
    if (docs.length === 0) return;
    await this.queue.insertMany(docs, { ordered: false }).catch((error: { writeErrors?: { code: number }[] | { code: number } }) => {
      const errors = error.writeErrors === undefined ? undefined : Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (!errors || errors.some((e) => e.code !== 11000)) throw error;
    });
  }

  async load(id: string): Promise<SmsDoc | undefined> {
    return (await this.queue.findOne({ _id: id })) ?? undefined;
  }

  async update(id: string, fields: Partial<Omit<SmsDoc, "_id">>): Promise<void> {
    await this.queue.updateOne({ _id: id }, { $set: fields });
  }

  async getSettings(personId: string): Promise<Settings> {
    const doc = await this.settings.findOne({ _id: personId });
    return { smsEnabled: doc?.smsEnabled ?? false, phoneMasked: doc?.phoneMasked ?? "" };
  }

  /** Sets SMS on or off; a new phone replaces the one kept, an empty one keeps it. */
  async setSettings(personId: string, smsEnabled: boolean, phone: string): Promise<Settings> {
    const fields: Partial<SettingsDoc> = { smsEnabled };
    if (phone) Object.assign(fields, { phone: this.cipher.seal(phone), phoneMasked: maskPhone(phone) });
    await this.settings.updateOne({ _id: personId }, { $set: fields, $setOnInsert: phone ? {} : { phone: null, phoneMasked: "" } }, { upsert: true });
    return this.getSettings(personId);
  }

  async hasPhone(personId: string): Promise<boolean> {
    return !!(await this.settings.findOne({ _id: personId }))?.phone;
  }

  async sentOn(personId: string, day: string): Promise<number> {
    return (await this.days.findOne({ _id: `${personId}|${day}` }))?.sent ?? 0;
  }

  async countSent(personId: string, day: string): Promise<void> {
    await this.days.updateOne({ _id: `${personId}|${day}` }, { $inc: { sent: 1 } }, { upsert: true });
  }
}
