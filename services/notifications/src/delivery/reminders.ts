import type { Clock } from "@kepu/calendar/clock";
import { whoIsTold } from "../domain/rules.js";
import type { Notifier } from "../notifier.js";
import type { DueStore } from "../store/due-store.js";
import type { ReadModel, SessionFacts } from "../store/read-model.js";

const hour = 3_600_000;

/**
 * The reminder before each session (REMINDER_HOURS, 24 by default): filed when the session is
 * scheduled, fired by the timer to everyone seated then (and the order's requester). Its
 * notifications are keyed by "reminder|<activity>|<session>", so a second pass adds none.
 */
export class Reminders {
  constructor(
    private readonly readModel: ReadModel,
    private readonly due: DueStore,
    private readonly notifier: Notifier,
    private readonly hoursBefore: number,
    private readonly clock: Clock,
  ) {}

  async schedule(activityId: string, sessions: SessionFacts[]): Promise<void> {
    const now = this.clock();
    for (const session of sessions) {
      if (session.startsAt <= now) continue; // already begun: nothing to remind of
      const at = new Date(Math.max(session.startsAt.getTime() - this.hoursBefore * hour, now.getTime()));
      await this.due.file("reminder", at, [`${activityId}|${session.sessionId}`]);
    }
  }

  run(): Promise<number> {
    return this.due.drain("reminder", this.clock(), async (ids) => {
      for (const id of ids) await this.fire(id);
      return ids;
    });
  }

  private async fire(id: string): Promise<void> {
    const [activityId = "", sessionId = ""] = id.split("|");
    const activity = await this.readModel.activity(activityId);
    const session = activity?.sessions.find((s) => s.sessionId === sessionId);
    if (!activity || !session || activity.cancelled) return;
    const requesterId = activity.orderId ? (await this.readModel.order(activity.orderId)).requesterId : "";
    const residentIds = await this.readModel.seatedResidents(activityId, sessionId);
    const drafts = whoIsTold({ kind: "reminder", activityId, title: activity.title, startsAt: session.startsAt, place: session.place, residentIds, requesterId });
    await this.notifier.notify(`reminder|${id}`, new Date(session.startsAt.getTime() - this.hoursBefore * hour), drafts);
  }
}
