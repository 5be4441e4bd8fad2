// Names for what the gateway's routes answer and take, from the generated schema (schema.d.ts):
// the types a page keeps in its state. Calls themselves are typed by `http` (client.ts).
import type { paths } from "./schema";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** The JSON a route answers on success: Answer<"/api/v1/me", "get">. */
export type Answer<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends { responses: { 200: { content: { "application/json": infer T } } } } ? T : never;

/** The JSON body a route takes: Body<"/api/v1/webhooks", "post">. */
export type Body<P extends keyof paths, M extends Method & keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { "application/json": infer T } } } ? T : never;

/**
 * T with the fields K always there. proto3's JSON marks every message and timestamp field optional;
 * the services always set some of them (an order's request, a session's times): the domain's names
 * say so once, where the pages read them (domain/activity.ts, order.ts, chain.ts).
 */
export type Present<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };

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

export type SignedIn = Answer<"/api/v1/auth/sign-in", "post">;
export type Organization = Answer<"/api/v1/orgs/{orgId}/children", "get">["organizations"][number];
export type MenuEntry = Answer<"/api/v1/menu", "get">["items"][number];
export type Order = Answer<"/api/v1/orders", "get">["orders"][number];
export type Suggestion = Answer<"/api/v1/orders/{orderId}/suggestions", "get">["suggestions"][number];
export type OrderChain = Answer<"/api/v1/orders/{orderId}/chain", "get">;
export type Activity = Answer<"/api/v1/activities", "get">["activities"][number];
export type Attendee = Answer<"/api/v1/activities/{activityId}/attendance", "get">["bookings"][number];
export type Booking = Answer<"/api/v1/me/bookings", "get">["bookings"][number];
export type Team = Answer<"/api/v1/teams", "get">["teams"][number];
export type TeamDetail = Answer<"/api/v1/teams/{teamId}", "get">["team"];
export type Member = NonNullable<Answer<"/api/v1/teams/{teamId}/members", "get">["volunteers"]>[number];
export type Account = Answer<"/api/v1/accounts", "get">["accounts"][number];
export type Base = Answer<"/api/v1/bases", "get">["bases"][number];
export type NewBase = Body<"/api/v1/bases/applications", "post">;
export type AssessmentBody = Body<"/api/v1/bases/{baseId}/assessments", "post">;
export type DraftScore = Answer<"/api/v1/bases/{baseId}/assessment-draft", "get">["scores"][number];
export type Resource = Answer<"/api/v1/resources", "get">["resources"][number];
export type NewResource = Body<"/api/v1/resources", "post">;
export type ResourceQuery = NonNullable<paths["/api/v1/resources"]["get"]["parameters"]["query"]>;
export type MenuItemRow = Answer<"/api/v1/menu-items", "get">["items"][number];
export type NewMenuItem = Body<"/api/v1/menu-items", "post">;
export type MenuItemChange = Body<"/api/v1/menu-items/{itemId}", "put">;
export type ImportReport = Answer<"/api/v1/imports/{kind}", "post">;
export type Figures = Answer<"/api/v1/stats/figures", "get">["figures"];
export type BreakdownRow = Answer<"/api/v1/stats/breakdown", "get">["rows"][number];

/** Codes the pages hold as text, by the names the routes take. */
export type OrgKind = NonNullable<NonNullable<paths["/api/v1/orgs/{orgId}/children"]["get"]["parameters"]["query"]>["kind"]>;
export type Dimension = NonNullable<NonNullable<paths["/api/v1/stats/breakdown"]["get"]["parameters"]["query"]>["dimension"]>;
export type NewOrder = Body<"/api/v1/orders", "post">;
export type NewTeam = Body<"/api/v1/teams", "post">;
export type NewAccount = Body<"/api/v1/accounts", "post">;
export type TeamChange = Body<"/api/v1/teams/{teamId}", "patch">;
export type NewMember = Body<"/api/v1/teams/{teamId}/members", "post">;
export type ImportKind = paths["/api/v1/imports/{kind}/template"]["get"]["parameters"]["path"]["kind"];
