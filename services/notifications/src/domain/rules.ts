// Who is told what: pure rules from what happened (with the facts the read model knew) to the
// notifications each mailbox gets. No I/O; table-tested in test/rules.unit.spec.ts.
import { calendar } from "@kepu/calendar";

/** A person's own inbox, an org's staff mailbox (community, association, base) or a team's (leader and members). */
export type Mailbox = `person:${string}` | `org:${string}` | `team:${string}`;

export const personBox = (id: string): Mailbox => `person:${id}`;
export const orgBox = (id: string): Mailbox => `org:${id}`;
export const teamBox = (id: string): Mailbox => `team:${id}`;

/** What the read model knows of an order when one of its events arrives. */
export interface OrderFacts {
  orderId: string;
  requesterId: string;
  communityOrgId: string;
  title: string;
}

/**
 * What happened, as the rules need it: each event of the bus (and the reminder timer) mapped to
 * one case, carrying the facts (names, the order's requester and community) it was seen with.
 */
export type Happening =
  | { kind: "orderPlacedForYou"; order: OrderFacts; placerName: string; consent: [string, string] } // 代点单: [zh, en] of how she agreed
  | { kind: "orderDispatched"; order: OrderFacts; teamIds: string[] }
  | { kind: "orderAccepted"; order: OrderFacts; teamName: string }
  | { kind: "orderDeclined"; order: OrderFacts; teamName: string; reason: string; stillOpen: boolean }
  | { kind: "orderPooled"; order: OrderFacts; poolOrgId: string; areaTeamIds: string[] }
  | { kind: "orderEscalated"; order: OrderFacts; toOrgId: string; reason: string }
  | { kind: "orderRejected"; order: OrderFacts; reason: string }
  | { kind: "orderCancelled"; order: OrderFacts; reason: string; byRequester: boolean; teamId: string }
  | { kind: "orderDelivered"; order: OrderFacts }
  | { kind: "activityScheduled"; order: OrderFacts; activityId: string; title: string; startsAt: Date | undefined; place: string }
  | { kind: "reminder"; activityId: string; title: string; startsAt: Date; place: string; residentIds: string[]; requesterId: string }
  | { kind: "bookingPromoted"; activityId: string; title: string; residentId: string; startsAt: Date | undefined }
  | { kind: "summaryFiled"; activityId: string; title: string; requesterId: string }
  | { kind: "activityCompleted"; activityId: string; title: string; organizerOrgId: string; summaryFiled: boolean }
  | { kind: "baseStep"; baseOrgId: string; baseName: string; step: "certified" | "status" | "assessed"; detail: string; detailEn: string };

/** One notification to store, before it has its id. */
export interface Draft {
  mailbox: Mailbox;
  kind: string;
  title: string;
  body: string;
  titleEn: string;
  bodyEn: string;
  orderId: string;
  activityId: string;
  /** Whether it may also go by SMS (to a person who opted in). */
  sms: boolean;
}

const timeFormat = new Intl.DateTimeFormat("zh-CN", { timeZone: calendar.zone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const timeFormatEn = new Intl.DateTimeFormat("en-GB", { timeZone: calendar.zone, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** "9月28日 14:30" in Beijing time (the deployment's zone). */
export const beijingTime = (at: Date): string => timeFormat.format(at).replace(/\//, "月").replace(/\s/, "日 ");
const beijingTimeEn = (at: Date): string => timeFormatEn.format(at);
const quoted = (title: string) => `「${title || "科普服务"}」`;
const because = (reason: string, prefix = "，原因：") => (reason ? `${prefix}${reason}` : "");
const becauseEn = (reason: string) => (reason ? ` (${reason})` : "");

function draft(mailbox: Mailbox, kind: string, zh: [string, string], en: [string, string], refs: { orderId?: string; activityId?: string }, sms = false): Draft {
  return { mailbox, kind, title: zh[0], body: zh[1], titleEn: en[0], bodyEn: en[1], orderId: refs.orderId ?? "", activityId: refs.activityId ?? "", sms };
}

/** The notifications one happening makes; none for a mailbox that is not known (an empty id). */
export function whoIsTold(happening: Happening): Draft[] {
  return tell(happening).filter((d) => !d.mailbox.endsWith(":"));
}

function tell(h: Happening): Draft[] {
  switch (h.kind) {
    case "orderPlacedForYou": {
      const placer = h.placerName || "社区工作者";
      return [
        draft(
          personBox(h.order.requesterId),
          "order.placedForYou",
          ["已为您代为点单", `${placer}已为您代为点单${quoted(h.order.title)}（${h.consent[0]}），社区派单、队伍接单后会再通知您`],
          ["An order placed for you", `${h.placerName || "Your community worker"} ordered "${h.order.title}" for you (${h.consent[1]}); you will be told when a team takes it`],
          { orderId: h.order.orderId },
          true,
        ),
      ];
    }
    case "orderDispatched": {
      const ref = { orderId: h.order.orderId };
      return [
        draft(personBox(h.order.requesterId), "order.dispatched", ["点单已派单", `您的点单${quoted(h.order.title)}已派给志愿服务队，等待接单`], ["Order dispatched", `Your order "${h.order.title}" was sent to volunteer teams`], ref),
        ...h.teamIds.map((teamId) =>
          draft(teamBox(teamId), "order.offered", ["新的派单", `社区派来点单${quoted(h.order.title)}，请及时接单或说明原因拒单`], ["New order for your team", `"${h.order.title}" was dispatched to your team: accept or decline it`], ref),
        ),
      ];
    }
    case "orderAccepted":
      return [
        draft(personBox(h.order.requesterId), "order.accepted", ["点单已被接单", `${h.teamName || "志愿服务队"}已接下您的点单${quoted(h.order.title)}`], ["Order accepted", `${h.teamName || "A volunteer team"} accepted your order "${h.order.title}"`], { orderId: h.order.orderId }, true),
      ];
    case "orderDeclined":
      return [
        draft(
          orgBox(h.order.communityOrgId),
          "order.declined",
          ["点单被拒", `${h.teamName || "志愿服务队"}拒绝了点单${quoted(h.order.title)}${because(h.reason)}${h.stillOpen ? "；其他受邀队伍仍可接单" : "；已退回，请重新派单"}`],
          ["Order declined", `${h.teamName || "A team"} declined "${h.order.title}"${becauseEn(h.reason)}${h.stillOpen ? "; other invited teams may still accept" : "; it is back with you to dispatch again"}`],
          { orderId: h.order.orderId },
        ),
      ];
    case "orderPooled": {
      const ref = { orderId: h.order.orderId };
      return [
        draft(orgBox(h.poolOrgId), "order.pooled", ["新订单进入派单池", `点单${quoted(h.order.title)}已转科协派单池，请领单`], ["An order reached your pool", `"${h.order.title}" is in the association pool: claim it`], ref),
        ...h.areaTeamIds.map((teamId) =>
          draft(teamBox(teamId), "order.poolInArea", ["服务区域内有可抢的点单", `派单池中的点单${quoted(h.order.title)}在你们的服务区域内，可以抢单`], ["A pooled order in your area", `"${h.order.title}" waits in the pool in your service area`], ref),
        ),
      ];
    }
    case "orderEscalated": {
      const ref = { orderId: h.order.orderId };
      const drafts = [draft(orgBox(h.order.communityOrgId), "order.escalated", ["点单超时升级", `点单${quoted(h.order.title)}未按时处理，已升级${because(h.reason, "：")}`], ["Order timed out and escalated", `"${h.order.title}" was not handled in time and moved up${becauseEn(h.reason)}`], ref)];
      if (h.toOrgId && h.toOrgId !== h.order.communityOrgId) {
        drafts.push(draft(orgBox(h.toOrgId), "order.escalatedToYou", ["超时点单转到你处", `点单${quoted(h.order.title)}已超时，转由你处派单`], ["A timed-out order is yours now", `"${h.order.title}" timed out and was moved to you`], ref));
      }
      return drafts;
    }
    case "orderRejected":
      return [draft(personBox(h.order.requesterId), "order.rejected", ["点单未通过", `您的点单${quoted(h.order.title)}未通过社区审核${because(h.reason)}`], ["Order not accepted by the community", `Your order "${h.order.title}" was rejected${becauseEn(h.reason)}`], { orderId: h.order.orderId }, true)];
    case "orderCancelled": {
      const ref = { orderId: h.order.orderId };
      if (h.byRequester) {
        const drafts = [draft(orgBox(h.order.communityOrgId), "order.cancelled", ["居民取消了点单", `点单${quoted(h.order.title)}已被居民取消${because(h.reason)}`], ["Order cancelled by the resident", `"${h.order.title}" was cancelled${becauseEn(h.reason)}`], ref)];
        if (h.teamId) drafts.push(draft(teamBox(h.teamId), "order.cancelled", ["点单已取消", `你们接下的点单${quoted(h.order.title)}已被居民取消${because(h.reason)}`], ["Order cancelled", `"${h.order.title}", which your team accepted, was cancelled${becauseEn(h.reason)}`], ref));
        return drafts;
      }
      const drafts = [draft(personBox(h.order.requesterId), "order.cancelled", ["点单已取消", `您的点单${quoted(h.order.title)}已取消${because(h.reason)}`], ["Order cancelled", `Your order "${h.order.title}" was cancelled${becauseEn(h.reason)}`], ref, true)];
      if (h.teamId) drafts.push(draft(teamBox(h.teamId), "order.cancelled", ["点单已取消", `你们接下的点单${quoted(h.order.title)}已取消${because(h.reason)}`], ["Order cancelled", `"${h.order.title}", which your team accepted, was cancelled${becauseEn(h.reason)}`], ref));
      return drafts;
    }
    case "orderDelivered":
      return [draft(personBox(h.order.requesterId), "order.pleaseRate", ["活动已完成，请评价", `您点单的${quoted(h.order.title)}已完成，欢迎为这次服务打分`], ["Done: please rate it", `"${h.order.title}" took place: please rate the service`], { orderId: h.order.orderId })];
    case "activityScheduled": {
      const when = h.startsAt ? beijingTime(h.startsAt) : "待定";
      const whenEn = h.startsAt ? beijingTimeEn(h.startsAt) : "to be fixed";
      return [
        draft(personBox(h.order.requesterId), "order.scheduled", ["活动已排期", `${quoted(h.title || h.order.title)}定于${when}在${h.place || "社区"}举行`], ["Scheduled", `"${h.title || h.order.title}" takes place on ${whenEn} (Beijing time) at ${h.place || "your community"}`], { orderId: h.order.orderId, activityId: h.activityId }, true),
      ];
    }
    case "reminder": {
      const people = [...new Set([...h.residentIds, h.requesterId].filter(Boolean))];
      return people.map((id) =>
        draft(personBox(id), "activity.reminder", ["活动提醒", `您预约的${quoted(h.title)}将于${beijingTime(h.startsAt)}在${h.place || "活动地点"}开始，请准时参加`], ["Reminder", `"${h.title}" starts on ${beijingTimeEn(h.startsAt)} (Beijing time) at ${h.place || "the venue"}`], { activityId: h.activityId }, true),
      );
    }
    case "bookingPromoted":
      return [
        draft(personBox(h.residentId), "booking.promoted", ["候补成功", `您已从候补转为正式预约：${quoted(h.title)}${h.startsAt ? `，${beijingTime(h.startsAt)}开始` : ""}`], ["You have a seat", `You moved from the waitlist to a seat at "${h.title}"`], { activityId: h.activityId }, true),
      ];
    case "summaryFiled":
      return [draft(personBox(h.requesterId), "activity.summaryPublished", ["活动总结已发布", `${quoted(h.title)}的图文总结已发布，欢迎查看`], ["Summary published", `The summary of "${h.title}" is published`], { activityId: h.activityId })];
    case "activityCompleted":
      if (h.summaryFiled) return [];
      return [draft(orgBox(h.organizerOrgId), "activity.summaryDue", ["请提交图文总结", `${quoted(h.title)}已完成，请按时提交图文总结`], ["Summary due", `"${h.title}" is complete: file its summary in time`], { activityId: h.activityId })];
    case "baseStep":
      return [draft(orgBox(h.baseOrgId), `base.${h.step}`, ["基地认定进展", `${h.baseName || "科普基地"}：${h.detail}`], ["Base certification", `${h.baseName || "Your base"}: ${h.detailEn}`], {})];
  }
}
