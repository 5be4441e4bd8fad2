import type { Collection, Db, Document } from "mongodb";
import { kepuError } from "@kepu/errors";
import { serializedWrite } from "@kepu/mongo";
import { calendarId, decideReserve, monthsSpanned, type Reservation } from "../domain/calendar.js";
import type { RotationPlan, Stay } from "../domain/rotation.js";

/**
 * Resources' calendars: one document per resource per Beijing month (`_id` "res-1:2027-09"), each
 * read and written by its `_id` only (FerretDB serves those without a scan). A reservation that
 * crosses a month's end is kept in every month it touches. Writes to one resource run one at a time
 * in this process, and each document is replaced only at the version it was read at.
 */
export class CalendarStore {
  readonly calendars: Collection<Document>;
  /** Saved rotation plans of mobile resources, one per resource per month (`_id` "caravan-1:2027-09"). */
  readonly rotations: Collection<Document>;

  constructor(db: Db) {
    this.calendars = db.collection("resource_calendars");
    this.rotations = db.collection("rotation_plans");
  }

  async rotation(resourceId: string, month: string): Promise<RotationPlan | undefined> {
    const doc = await this.rotations.findOne({ _id: calendarId(resourceId, month) as never });
    if (!doc) return undefined;
    return { month, stayDays: Number(doc.stayDays), travelDays: Number(doc.travelDays), stays: (doc.stays as Stay[]).map((s) => ({ communityId: s.communityId, firstDay: s.firstDay, lastDay: s.lastDay })), unplaced: (doc.unplaced as string[]) ?? [] };
  }

  async saveRotation(resourceId: string, plan: RotationPlan): Promise<void> {
    await this.rotations.replaceOne({ _id: calendarId(resourceId, plan.month) as never }, { resourceId, ...plan }, { upsert: true });
  }

  /** The sessions holding a resource in a month ("2027-09"), by start. */
  async month(resourceId: string, month: string): Promise<Reservation[]> {
    const doc = await this.calendars.findOne({ _id: calendarId(resourceId, month) as never });
    return doc ? reservationsOf(doc) : [];
  }

  /** Holds the resource for these sessions, or throws RESOURCE_BUSY naming the session in the way (and holds none of them). */
  reserve(resourceId: string, wanted: Reservation[]): Promise<void> {
    return serializedWrite("resource-calendar", resourceId, () => this.change(resourceId, wanted, (held, inMonth) => {
      const decided = decideReserve(resourceId, held, inMonth);
      if (!decided.ok) throw decided.error;
      return decided.value;
    }));
  }

  /** Frees the resource from these sessions (a cancelled activity); freeing twice changes nothing. */
  release(resourceId: string, freed: Reservation[]): Promise<void> {
    const ids = new Set(freed.map((r) => r.sessionId));
    return serializedWrite("resource-calendar", resourceId, () => this.change(resourceId, freed, (held) => held.filter((r) => !ids.has(r.sessionId))));
  }

  /**
   * Decides over every month the sessions touch before writing any of them, so a collision in one
   * month leaves the others untouched; then writes each month at the version it was read at.
   */
  private async change(resourceId: string, sessions: Reservation[], decide: (held: Reservation[], inMonth: Reservation[]) => Reservation[]): Promise<void> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const months = [...new Set(sessions.flatMap((s) => monthsSpanned(s.startsAt, s.endsAt)))].sort();
      const read = await Promise.all(months.map(async (month) => ({ month, doc: await this.calendars.findOne({ _id: calendarId(resourceId, month) as never }) })));
      // Held anywhere in the months touched: a session crossing a month's end collides in either.
      const heldAll = dedupe(read.flatMap(({ doc }) => (doc ? reservationsOf(doc) : [])));
      const decidedAll = decide(heldAll, sessions);
      let raced = false;
      for (const { month, doc } of read) {
        const inMonth = decidedAll.filter((r) => monthsSpanned(r.startsAt, r.endsAt).includes(month));
        if (!(await this.write(resourceId, month, doc, inMonth))) raced = true;
      }
      if (!raced) return;
    }
    throw kepuError("conflict", "CALENDAR_BUSY", "资源日程正被频繁修改，请稍后重试", "The resource's calendar is changing quickly; please retry");
  }

  private async write(resourceId: string, month: string, before: Document | null, reservations: Reservation[]): Promise<boolean> {
    const _id = calendarId(resourceId, month) as never;
    const version = Number(before?.version ?? 0);
    const fields = { resourceId, month, reservations, version: version + 1 };
    if (!before) {
      try {
        await this.calendars.insertOne({ _id, ...fields });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    }
    const result = await this.calendars.replaceOne({ _id, version }, fields);
    return result.matchedCount === 1;
  }
}

function reservationsOf(doc: Document): Reservation[] {
  return ((doc.reservations ?? []) as Reservation[]).map((r) => ({ sessionId: r.sessionId, activityId: r.activityId, title: r.title, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
}

function dedupe(reservations: Reservation[]): Reservation[] {
  const seen = new Map(reservations.map((r) => [r.sessionId, r]));
  return [...seen.values()];
}
