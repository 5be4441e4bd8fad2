// The demo data of issues 16 and 19, through the services' own APIs: the 科普月's 报备 and 图文总结,
// merged demand (合并需求) left for the user to try, a student's 科普教育学分, the 科普大篷车's
// rotation and a venue's calendar. Every step first reads whether an earlier seed did it.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { OrgPlace } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { ActivityStatus, type EventsService } from "@kepu/contracts/events/v1/service_pb";
import { isKepuError } from "@kepu/errors";
import type { CallOptions, RpcClient } from "@kepu/rpc";
import { onceKnown, whenKnown } from "./registry.js";
import { caravanRotation, credits, demoCommunity, demoSchool, kepuMonth, kepuMonthReport, menu, mergeOrders, orgs, venueBookings } from "./shenzhen.js";

export interface DemoClients {
  dispatch: RpcClient<typeof DispatchService>;
  events: RpcClient<typeof EventsService>;
  admin: CallOptions;
  placeOf: (orgId: string) => Promise<OrgPlace>;
}

const hour = 3_600_000;
const resident = (id: string, community = demoCommunity): CallOptions => ({ actor: { id, role: Role.RESIDENT, orgId: community, displayName: "居民" } });

/** The Beijing month after now, as "2027-09", with its year and month number. */
export function nextBeijingMonth(now: Date): { key: string; year: number; month: number } {
  const beijing = new Date(now.getTime() + 8 * hour);
  const year = beijing.getUTCFullYear() + (beijing.getUTCMonth() === 11 ? 1 : 0);
  const month = ((beijing.getUTCMonth() + 1) % 12) + 1;
  return { key: `${year}-${String(month).padStart(2, "0")}`, year, month };
}

/** An instant given as a Beijing day and hour. */
const beijingTime = (year: number, month: number, day: number, h: number) => new Date(Date.UTC(year, month - 1, day, h - 8));

/**
 * 报备 answers that only say "not now": registration for this year's 科普月 runs from 21 August to
 * the day before each activity, so a seed run at another time of year cannot register (and the
 * events service has no way to record a past 报备).
 */
const notNow = ["REGISTRATION_NOT_OPEN", "REGISTRATION_CLOSED", "REGISTRATION_AFTER_ACTIVITY_DAY"];

/**
 * This year's 科普月 activities (published by the seed): each registered at its level while
 * registration is open, and once held its 图文总结 filed and the activity completed with the 人次 who
 * came — on time or late as the events service judges against the campaign's due date (the 28th).
 */
export async function seedCampaign({ events, admin }: DemoClients, campaignId: string, now: Date): Promise<{ registered: number; summaries: number; late: number }> {
  const { activities } = await events.listActivities({ campaignId, pageSize: 50 }, admin);
  const reported = await Promise.all(
    kepuMonth.map(async (session) => {
      const report = kepuMonthReport[session.title]!;
      let activity = activities.find((a) => a.title === session.title);
      if (!activity) return undefined;
      if (!activity.campaignLevel && activity.status === ActivityStatus.SCHEDULED) {
        try {
          activity = (await events.registerToCampaign({ activityId: activity.activityId, campaignId, level: report.level }, admin)).activity!;
        } catch (error) {
          if (!(isKepuError(error) && notNow.includes(error.code))) throw error;
        }
      }
      const ended = activity.sessions.every((s) => s.session?.endsAt && Number(s.session.endsAt.seconds) * 1000 <= now.getTime());
      if (ended && !activity.summaryFiled) activity = (await events.fileSummary({ activityId: activity.activityId, text: report.summary }, admin)).activity!;
      if (ended && activity.status === ActivityStatus.SCHEDULED) activity = (await events.completeActivity({ activityId: activity.activityId, walkIns: report.walkIns }, admin)).activity!;
      return activity;
    }),
  );
  const held = reported.filter((a) => a !== undefined);
  return { registered: held.filter((a) => a.campaignLevel).length, summaries: held.filter((a) => a.summaryFiled).length, late: held.filter((a) => a.summaryLate).length };
}

/** Three open orders on one theme from three 园岭街道 communities: dispatch suggests merging them. They stay unmerged. */
export async function seedMergeDemand({ dispatch, placeOf }: DemoClients): Promise<number> {
  for (const order of mergeOrders) {
    const item = menu.find((m) => m.itemId === order.menuItemId)!;
    const community = await placeOf(order.community);
    await onceKnown(() =>
      dispatch.submitOrder({ orderId: order.orderId, request: { menuItemId: item.itemId, title: item.title, theme: item.theme, format: item.format, audience: item.audiences[0], expectedParticipants: 25, community } }, resident(`demo-resident-${order.orderId}`, order.community)),
    );
  }
  return mergeOrders.length;
}

/**
 * 科普教育学分: the student says she is one (her school 园岭小学), books an activity marked 计学分 that
 * starts within the hour, and the organizer checks her in — the credit (CreditAwarded) follows. A
 * parent adds her child. Check-in opens an hour before a session and booking closes half an hour
 * before, so the activity starts 40–45 minutes after the seed runs.
 */
export async function seedCredits({ events, admin, placeOf }: DemoClients, now: Date): Promise<{ credits: number; children: number }> {
  const school = { schoolId: demoSchool.orgId, schoolName: demoSchool.name, schoolPath: schoolPath() };
  const student = resident(credits.student.residentId);
  let mine = await events.listMyCredits({}, student);
  if (mine.credits.length === 0) {
    await events.registerStudent({ student: { name: credits.student.name, grade: credits.student.grade, ...school } }, student);
    const { activity: a } = credits;
    const startsAt = new Date(Math.ceil((now.getTime() + 40 * 60_000) / 300_000) * 300_000);
    const place = await placeOf(demoCommunity);
    const { activity } = await events.publishActivity(
      { title: a.title, theme: a.theme, format: a.format, audience: a.audience, place, forCredit: true, sessions: [{ startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 2 * hour)), place: a.place, capacity: a.capacity }] },
      admin,
    );
    const { booking } = await events.book({ activityId: activity!.activityId, sessionId: activity!.sessions[0]!.session!.sessionId }, student);
    await events.checkIn({ bookingId: booking!.bookingId }, admin);
    mine = await events.listMyCredits({}, student);
  }
  const parent = resident(credits.parent.residentId);
  let children = (await events.listMyCredits({}, parent)).students.length;
  if (children === 0) {
    await events.registerStudent({ student: { ...credits.parent.child, ...school }, child: true }, parent);
    children = 1;
  }
  return { credits: mine.credits.length, children };
}

/** The school's place in the org tree: it and its ancestors, from the city down. */
function schoolPath(): string[] {
  const path: string[] = [];
  for (let id: string | undefined = demoSchool.orgId; id; id = orgs.find((o) => o.orgId === id)?.parentId) path.unshift(id);
  return path;
}

/** The 科普大篷车's rotation for next month, proposed fairly and saved onto its calendar (once a month). */
export async function seedRotation({ events, admin }: DemoClients, month: string): Promise<number> {
  const { resourceId, communities, stayDays, travelDays } = caravanRotation;
  try {
    return (await events.getRotation({ resourceId, month }, admin)).plan!.stays.length;
  } catch (error) {
    if (!(isKepuError(error) && error.code === "ROTATION_NOT_FOUND")) throw error;
  }
  const { plan } = await whenKnown(() => events.proposeRotation({ resourceId, month, communities: communities.map((communityId) => ({ communityId, lastVisit: "" })), stayDays, travelDays }, admin));
  return (await events.saveRotation({ plan: plan! }, admin)).plan!.stays.length;
}

/** Two sessions next month that hold 福田区科技馆报告厅, unless its calendar holds them already. */
export async function seedVenueCalendar({ events, admin, placeOf }: DemoClients, next: ReturnType<typeof nextBeijingMonth>): Promise<number> {
  const { resourceId, title, theme, community, sessions } = venueBookings;
  const held = (await events.getResourceCalendar({ resourceId, month: next.key }, admin)).reservations;
  if (held.some((r) => r.title === title)) return held.filter((r) => r.title === title).length;
  const place = await placeOf(community);
  const { activity } = await whenKnown(() =>
    events.publishActivity(
      {
        title,
        theme,
        place,
        sessions: sessions.map((s) => {
          const startsAt = beijingTime(next.year, next.month, s.day, s.hour);
          return { startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + s.minutes * 60_000)), resourceId, place: "福田区科技馆报告厅", capacity: s.capacity };
        }),
      },
      admin,
    ),
  );
  return activity!.sessions.length;
}
