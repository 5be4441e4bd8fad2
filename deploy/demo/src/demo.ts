// Loads the Shenzhen demo data through the services' own APIs, as an admin. Running it again
// changes nothing: everything has a fixed id, and "already exists" answers are expected.
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import type { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import type { EventsService } from "@kepu/contracts/events/v1/service_pb";
import type { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import type { RpcClient } from "@kepu/rpc";
import { nextBeijingMonth, seedCampaign, seedCredits, seedMergeDemand, seedRotation, seedVenueCalendar, type DemoClients } from "./features.js";
import { once, onceKnown, seedRegistry } from "./registry.js";
import { brands, kepuMonth, menu, orders, orgs } from "./shenzhen.js";

export interface DemoTarget {
  registry: RpcClient<typeof RegistryService>;
  dispatch: RpcClient<typeof DispatchService>;
  events: RpcClient<typeof EventsService>;
  /** The gateway, for the demo accounts (POST /api/v1/accounts as the first admin). */
  gatewayUrl: string;
}

const admin = { actor: { id: "demo-seed", role: Role.ADMIN, orgId: "sz", displayName: "演示数据" } };
const demoPassword = "kepu-demo";
const demoAccounts: [account: string, role: string, orgId: string, displayName: string][] = [
  ["worker", "COMMUNITY_WORKER", "sz-futian-yuanling-c1", "红荔社区 李社工"],
  ["street", "STREET_STAFF", "sz-futian-yuanling", "园岭街道 陈干事"],
  ["district", "DISTRICT_STAFF", "sz-futian", "福田区科协 周老师"],
  ["city", "CITY_STAFF", "sz", "深圳市科协 吴老师"],
  ["leader", "TEAM_LEADER", "team-futian", "福田区科技志愿服务队 张队长"],
  ["member", "TEAM_MEMBER", "team-futian", "志愿者 刘同学"],
  ["base", "BASE_STAFF", "sz-futian", "福田科技馆 黄老师"],
  ["viewer", "DASHBOARD_VIEWER", "sz-futian", "统计查看 孙老师"],
];

/** Loads the data set; returns the `[demo] … ready` line that counts what it holds. */
export async function seedDemo({ registry, dispatch, events, gatewayUrl }: DemoTarget): Promise<string> {
  const placeOf = async (orgId: string) => (await registry.getOrganization({ orgId })).organization!.place!;
  const now = new Date();
  const year = now.getUTCFullYear();
  const started = Date.now();

  const registryCounts = await seedRegistry(registry, admin);
  // 一社区一科普品牌: the brands and this year's plans (defining the same brand again changes nothing).
  for (const { targets, audiences, ...brand } of brands) {
    await registry.defineBrand(brand, admin);
    await registry.setBrandPlan({ communityId: brand.communityId, year, targets, audiences }, admin);
  }

  for (const order of orders) {
    const resident = { actor: { id: `demo-resident-${order.orderId}`, role: Role.RESIDENT, orgId: order.community, displayName: "居民" } };
    const item = menu.find((m) => m.itemId === order.menuItemId)!;
    const community = await placeOf(order.community);
    await onceKnown(() => dispatch.submitOrder({ orderId: order.orderId, request: { menuItemId: item.itemId, title: item.title, theme: item.theme, format: item.format, audience: item.audiences[0], expectedParticipants: 30, community } }, resident));
    if (order.stage === "pooled") await once(() => dispatch.poolOrder({ orderId: order.orderId, reason: "社区暂无合适队伍" }, admin));
    if (order.stage === "dispatched" || order.stage === "accepted") await onceKnown(() => dispatch.dispatchOrder({ orderId: order.orderId, teamIds: [order.team] }, admin));
    if (order.stage === "accepted") await once(() => dispatch.acceptOrder({ orderId: order.orderId, teamId: order.team }, { actor: { id: `${order.team}-leader`, role: Role.TEAM_LEADER, orgId: order.team } }));
  }

  // This year's 科普月 (September) is usually over: its sessions are recorded as history, which the
  // events service takes only from an admin (anyone else's session must start in the future).
  const campaignId = `kepu-month-${year}`;
  const published = await events.listActivities({ campaignId }, admin);
  if (published.total === 0) {
    for (const session of kepuMonth) {
      const startsAt = new Date(Date.UTC(year, 8, session.day, 2));
      await events.publishActivity(
        { title: session.title, theme: session.theme, place: await placeOf(session.community), campaignId, sessions: [{ startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 2 * 3_600_000)), place: "党群服务中心", capacity: session.capacity }] },
        admin,
      );
    }
  }

  // Issues 16 and 19: 报备 and 图文总结, merged demand, 科普教育学分, the caravan's rotation, a venue's calendar.
  const clients: DemoClients = { dispatch, events, admin, placeOf };
  const next = nextBeijingMonth(now);
  // Each touches its own activities, orders and resources: they run side by side.
  const [campaign, mergeable, credit, stays, venueSessions] = await Promise.all([
    seedCampaign(clients, campaignId, now),
    seedMergeDemand(clients),
    seedCredits(clients, now),
    seedRotation(clients, next.key),
    seedVenueCalendar(clients, next),
  ]);

  const accountsMade = await seedAccounts(gatewayUrl);
  const communities = orgs.filter((o) => o.kind === OrgKind.COMMUNITY).length;
  return (
    `[demo] Shenzhen demo data ready in ${Date.now() - started} ms: ${orgs.length} organizations (${communities} communities), ${registryCounts}, ${orders.length} orders, ` +
    `${kepuMonth.length} 科普月 activities (${campaign.registered} registered, ${campaign.summaries} summaries of which ${campaign.late} late), ${mergeable} open orders to merge, ` +
    `${credit.credits} student credit and ${credit.children} child registered, a caravan rotation of ${stays} stays in ${next.key}, ${venueSessions} venue sessions in ${next.key}, ` +
    `${brands.length} community brands with this year's plans, ${accountsMade} new demo accounts`
  );
}

// The demo accounts (README, "Demo accounts") are ordinary accounts, made through the gateway's
// POST /api/v1/accounts as the first admin (deploy/local/start.sh made it with `npm run admin`).
// For the demo only, each gets the README's password and is spared the first-sign-in change.
async function seedAccounts(gatewayUrl: string): Promise<number> {
  async function gateway(path: string, body: object, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const answer = await fetch(`${gatewayUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  }
  const signedIn = await gateway("/api/v1/auth/sign-in", { account: "admin", password: demoPassword });
  if (signedIn.status !== 200) throw new Error(`the demo admin could not sign in (${signedIn.status} ${String(signedIn.body.code)}): run npm run admin -- --account admin --name 平台管理员 --password ${demoPassword} --no-must-change`);
  let accountsMade = 0;
  for (const [account, role, orgId, displayName] of demoAccounts) {
    const made = await gateway("/api/v1/accounts", { account, role, orgId, displayName, initialPassword: demoPassword, mustChangePassword: false }, String(signedIn.body.accessToken));
    if (made.status === 200) accountsMade++;
    else if (made.body.code !== "ACCOUNT_EXISTS") throw new Error(`demo account ${account}: ${made.status} ${String(made.body.code)} ${String(made.body.message)}`);
  }
  return accountsMade;
}
