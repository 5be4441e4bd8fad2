import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { kepuError } from "@kepu/errors";
import { maskPhone } from "@kepu/privacy";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import type { NotificationSchema, NotificationsService } from "@kepu/contracts/notifications/v1/service_pb";
import type { ServiceImplementation } from "@kepu/rpc";
import { mailboxesOf } from "../domain/mailboxes.js";
import type { InboxStore, StoredNotification } from "../store/inbox-store.js";
import type { SmsStore } from "../store/sms-store.js";

const phonePattern = /^1[3-9]\d{9}$/;
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

function toMessage(n: StoredNotification, read: boolean): MessageInitShape<typeof NotificationSchema> {
  return {
    notificationId: n._id,
    mailbox: n.mailbox,
    kind: n.kind,
    title: n.title,
    body: n.body,
    titleEn: n.titleEn,
    bodyEn: n.bodyEn,
    occurredAt: timestampFromDate(n.at),
    read,
    orderId: n.orderId,
    activityId: n.activityId,
  };
}

function pageSize(requested: number): number {
  if (requested === 0) return 20;
  if (!Number.isInteger(requested) || requested < 1 || requested > 100) throw kepuError("invalid", "BAD_PAGE_SIZE", "每页条数须在 1 到 100 之间", "Page size must be 1 to 100", "pageSize");
  return requested;
}

function offsetOf(token: string): number {
  if (!token) return 0;
  const offset = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(offset) || offset < 0) throw kepuError("invalid", "BAD_PAGE_TOKEN", "分页标记无效，请从第一页重新开始", "The page token is not valid; start from the first page", "pageToken");
  return offset;
}

/** The gRPC edge: the actor's mailboxes, validated input, then the stores. */
export function notificationsService(inbox: InboxStore, sms: SmsStore): ServiceImplementation<typeof NotificationsService> {
  return {
    async listInbox(request, context) {
      const page = await inbox.page(mailboxesOf(context.actor), offsetOf(request.pageToken), pageSize(request.pageSize));
      return {
        notifications: page.notifications.map((n) => toMessage(n, n.read)),
        nextPageToken: page.nextOffset === undefined ? "" : Buffer.from(String(page.nextOffset)).toString("base64url"),
        unread: page.unread,
      };
    },
    async markRead(request, context) {
      const mailboxes = mailboxesOf(context.actor);
      for (const id of request.notificationIds) if (!idPattern.test(id)) throw kepuError("invalid", "BAD_NOTIFICATION_ID", "通知编号无效", "Not a notification id", "notificationIds");
      return { unread: await inbox.markRead(mailboxes, request.notificationIds.length === 0 ? "all" : request.notificationIds) };
    },
    async unreadCount(_request, context) {
      return { unread: await inbox.unread(mailboxesOf(context.actor)) };
    },
    async *watchInbox(_request, context) {
      const mailboxes = mailboxesOf(context.actor);
      const queue: StoredNotification[] = [];
      let wake: (() => void) | undefined;
      const onNotification = (n: StoredNotification) => {
        if (!mailboxes.includes(n.mailbox)) return;
        queue.push(n);
        wake?.();
      };
      inbox.feed.on("notification", onNotification);
      const onAbort = () => wake?.();
      context.signal.addEventListener("abort", onAbort);
      try {
        yield { unread: await inbox.unread(mailboxes) };
        while (!context.signal.aborted) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          while (queue.length > 0 && !context.signal.aborted) {
            const n = queue.shift()!;
            yield { notification: toMessage(n, false), unread: await inbox.unread(mailboxes) };
          }
        }
      } finally {
        inbox.feed.off("notification", onNotification);
        context.signal.removeEventListener("abort", onAbort);
      }
    },
    async getSettings(_request, context) {
      mailboxesOf(context.actor);
      const settings = await sms.getSettings(context.actor!.id);
      return { settings: { smsEnabled: settings.smsEnabled, phone: settings.phoneMasked } };
    },
    async setSettings(request, context) {
      mailboxesOf(context.actor);
      const personId = context.actor!.id;
      const smsEnabled = request.settings?.smsEnabled ?? false;
      const phone = (request.settings?.phone ?? "").trim();
      if (phone && !phonePattern.test(phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "settings.phone");
      if (smsEnabled && !phone && !(await sms.hasPhone(personId))) throw kepuError("invalid", "PHONE_REQUIRED", "开通短信提醒需要填写手机号", "Give a phone number to receive SMS", "settings.phone");
      const settings = await sms.setSettings(personId, smsEnabled, phone);
      return { settings: { smsEnabled: settings.smsEnabled, phone: settings.phoneMasked } };
    },
    // 代点单 for a resident without an account: the number her order's SMS go to. Only a community
    // worker notes one, before the order exists; it is used only for that order's requester.
    async noteOrderContact(request, context) {
      if (context.actor?.role !== Role.COMMUNITY_WORKER) throw kepuError("forbidden", "ROLE_NOT_ALLOWED", "只有社区工作者可以为居民登记联系电话", "Only community workers note a resident's phone for an order");
      const phone = request.phone.trim();
      if (!phonePattern.test(phone)) throw kepuError("invalid", "BAD_PHONE", "请填写正确的 11 位手机号", "Enter a valid 11-digit mobile number", "onBehalfOf.phone");
      if (!idPattern.test(request.orderId) || !idPattern.test(request.personId)) throw kepuError("invalid", "BAD_ID", "订单或居民编号无效", "Not an order or person id", "orderId");
      if (!(await sms.noteContact(request.orderId, request.personId, context.actor.id, phone))) {
        throw kepuError("conflict", "CONTACT_ALREADY_NOTED", "该订单已登记了其他联系电话", "Another phone was noted for this order");
      }
      return { phone: maskPhone(phone) };
    },
  };
}
