// Where an event sits in the org tree (its org and every ancestor), for matching subscriptions by
// subtree: from the payload's own place where it has one, else from what the read model knows of
// the order, activity, org, team or base it is about. Unknown: nowhere (only subscriptions to
// every event get it).
import type { Message } from "@bufbuild/protobuf";
import type { ReadModel } from "../store/read-model.js";
import type { WebhookStore } from "./store.js";

type Fields = Record<string, unknown>;
const str = (value: unknown) => (typeof value === "string" ? value : "");
const pathIn = (value: unknown): string[] => {
  const path = (value as { path?: unknown } | undefined)?.path;
  return Array.isArray(path) ? path.filter((p): p is string => typeof p === "string") : [];
};

export async function placeOf(payload: Message, readModel: ReadModel, store: WebhookStore): Promise<string[]> {
  const p = payload as unknown as Fields;
  const own = pathIn(p.place);
  if (own.length > 0) return own; // an org registered, a team or base with its place
  const community = pathIn((p.request as Fields | undefined)?.community);
  if (community.length > 0) return community; // an order submitted
  if (str(p.orderId)) {
    const order = await readModel.order(str(p.orderId));
    if (order.communityPath.length > 0) return order.communityPath;
  }
  if (str(p.activityId)) {
    const activity = await readModel.activity(str(p.activityId));
    const path = await store.orgPath(activity?.organizerOrgId ?? str(p.organizerOrgId));
    if (path.length > 0) return path;
  }
  for (const [field, kind] of [["teamId", "team"], ["baseId", "base"]] as const) {
    if (!str(p[field])) continue;
    const path = await store.orgPath((await readModel.name(`${kind}:${str(p[field])}`))?.orgId ?? str(p.orgId));
    if (path.length > 0) return path;
  }
  return store.orgPath(str(p.orgId));
}
