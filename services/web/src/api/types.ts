// Names for what the gateway's routes answer and take, from the generated schema (schema.d.ts):
// the types a page keeps in its state. Calls themselves are typed by `http` (client.ts).
import type { paths } from "./schema";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** The JSON a route answers on success: Answer<"/api/v1/me", "get">. */
export type Answer<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { "application/json": infer T } } } } ? T : never;

/** The JSON body a route takes: Body<"/api/v1/webhooks", "post">. */
export type Body<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { "application/json": infer T } } } ? T : never;

/** The routes answering server-sent events (api/sse.ts). */
export type LiveFeed = Extract<keyof paths, `${string}/live`>;

export type Me = Answer<"/api/v1/me", "get">;
export type InboxPage = Answer<"/api/v1/me/notifications", "get">;
export type Notification = InboxPage["notifications"][number];
export type NotificationSettings = NonNullable<Answer<"/api/v1/me/notification-settings", "get">["settings"]>;
export type WebhookSubscription = Answer<"/api/v1/webhooks", "get">["subscriptions"][number];
export type NewWebhook = Body<"/api/v1/webhooks", "post">;
export type WebhookDelivery = Answer<"/api/v1/webhooks/{subscriptionId}/deliveries", "get">["deliveries"][number];
export type DeliveryAttempt = NonNullable<WebhookDelivery["attempts"]>[number];
