import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { OrderStatus } from "@kepu/contracts/dispatch/v1/events_pb";
import { DispatchService } from "@kepu/contracts/dispatch/v1/service_pb";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { isKepuError } from "@kepu/errors";
import { createRpcClient, type CallOptions, type RpcClient } from "@kepu/rpc";
import { testSigner, waitFor, type TestClock } from "@kepu/testkit";
import type { BackendService } from "./platform.js";

type ActorInit = NonNullable<CallOptions["actor"]>;

/** The places the workload orders in: two districts, two communities each, one team per district. */
export const city = "fz";
const districts = [
  { orgId: "fz-futian", name: "福田区", teamId: "fz-team-futian", communities: ["fz-futian-c1", "fz-futian-c2"] },
  { orgId: "fz-nanshan", name: "南山区", teamId: "fz-team-nanshan", communities: ["fz-nanshan-c1", "fz-nanshan-c2"] },
];
/** Every community the workload orders in. */
export const communities = districts.flatMap((d) => d.communities);
const admin: ActorInit = { id: "fault-admin", role: Role.ADMIN };
export const workerOf = (communityId: string): ActorInit => ({ id: `worker-${communityId}`, role: Role.COMMUNITY_WORKER, orgId: communityId });
const leaderOf = (teamId: string): ActorInit => ({ id: `leader-${teamId}`, role: Role.TEAM_LEADER, orgId: teamId });

export interface Clients {
  registry: RpcClient<typeof RegistryService>;
  dispatch: RpcClient<typeof DispatchService>;
  events: RpcClient<typeof EventsService>;
  stats: RpcClient<typeof StatsService>;
  close(): void;
}

export function connectClients(address: (name: BackendService) => string): Clients {
  const signer = testSigner();
  const clients = {
    registry: createRpcClient(RegistryService, address("registry"), { signer }),
    dispatch: createRpcClient(DispatchService, address("dispatch"), { signer }),
    events: createRpcClient(EventsService, address("events"), { signer }),
    stats: createRpcClient(StatsService, address("stats"), { signer }),
  };
  return { ...clients, close: () => Object.values(clients).forEach((c) => c.close()) };
}

/** One order's whole life as the load generator drove it; ids are only recorded once acknowledged. */
export interface Journey {
  orderId: string;
  communityId: string;
  teamId: string;
  /** Bookings the events service acknowledged, by resident. */
  bookings: Map<string, string>;
  checkedIn: number;
  walkIns: number;
  delivered: boolean;
  /** The step the journey is at, and why it stopped if it gave up there. */
  step: string;
  failure?: string;
}

/** Errors a user would simply retry: a service or engine down, or a busy aggregate. */
function transient(error: unknown): boolean {
  if (!isKepuError(error)) return true;
  return error.kind === "unavailable" || error.kind === "internal" || error.code.endsWith("_BUSY");
}

/**
 * Calls until the call succeeds or `done()` says an earlier attempt already did (the answer was
 * lost to a crash), retrying through outages like a patient user — up to a deadline.
 */
export async function persist<T>(what: string, call: () => Promise<T>, done?: () => Promise<boolean>): Promise<T | undefined> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (done && (await done().catch(() => false))) return undefined;
      if (!transient(error) && !(done && isKepuError(error) && error.kind === "conflict")) throw error;
      if (Date.now() > deadline) throw new Error(`${what}: still failing after ${attempt} attempts: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
    }
  }
}

/** Registers the places and teams, and waits until dispatch knows the teams. */
export async function seedPlaces(clients: Clients): Promise<void> {
  await clients.registry.registerOrganization({ orgId: city, name: "故障市", kind: OrgKind.CITY }, { actor: admin });
  for (const d of districts) {
    await clients.registry.registerOrganization({ orgId: d.orgId, name: d.name, kind: OrgKind.DISTRICT, parentId: city }, { actor: admin });
    await clients.registry.registerOrganization({ orgId: `${d.orgId}-s`, name: `${d.name}街道`, kind: OrgKind.STREET, parentId: d.orgId }, { actor: admin });
    for (const [i, communityId] of d.communities.entries()) {
      await clients.registry.registerOrganization({ orgId: communityId, name: `${d.name}第${i + 1}社区`, kind: OrgKind.COMMUNITY, parentId: `${d.orgId}-s` }, { actor: admin });
    }
    await clients.registry.registerTeam({ teamId: d.teamId, name: `${d.name}科技志愿服务队`, orgId: d.orgId, themes: [Theme.HEALTH], serviceAreaOrgIds: [d.orgId], leaderId: leaderOf(d.teamId).id }, { actor: admin });
    // Dispatch offers orders only to teams with people in them.
    await clients.registry.addVolunteer({ teamId: d.teamId, volunteerId: `${d.teamId}-v1`, realName: `${d.name}志愿者`, phone: `1380000${String(districts.indexOf(d)).padStart(4, "0")}`, skills: [Theme.HEALTH] }, { actor: admin });
  }
  // Dispatch takes orders for communities it has heard of and suggests only teams serving them:
  // one probe order per district, taken once the community is known, until its team is suggested.
  for (const d of districts) {
    const communityId = d.communities[0]!;
    const request = { title: "探测", theme: Theme.HEALTH, community: await placeOf(clients, communityId) };
    const probe = await waitFor(async () => (await clients.dispatch.submitOrder({ orderId: `fz-probe-${d.orgId}`, request }, { actor: workerOf(communityId) })).order, { timeoutMs: 60_000, what: `dispatch learning community ${communityId}` });
    await waitFor(async () => (await clients.dispatch.suggestTeams({ orderId: probe.orderId }, { actor: admin })).suggestions.some((s) => s.teamId === d.teamId), { timeoutMs: 60_000, what: `dispatch learning team ${d.teamId}` });
    await clients.dispatch.cancelOrder({ orderId: probe.orderId, reason: "探测完毕" }, { actor: admin });
  }
}

export async function placeOf(clients: Clients, orgId: string) {
  return (await clients.registry.getOrganization({ orgId })).organization!.place!;
}

const past = (statuses: OrderStatus[]) => (s: OrderStatus | undefined) => s !== undefined && statuses.includes(s);
const dispatchedOrLater = past([OrderStatus.DISPATCHED, OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.DELIVERED]);
const acceptedOrLater = past([OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.DELIVERED]);

/**
 * The load generator: order lives driven through the services' public gRPC APIs, the way the
 * people in PRODUCT.md drive them — 点单, 派单, 接单, 预约, 签到, 总结, 完成 — through outages.
 */
export class Workload {
  readonly journeys: Journey[] = [];
  private sequence = 0;

  /** `clock` moves the events service's clock: completion waits for the session to have been held. */
  constructor(
    private readonly clients: Clients,
    private readonly clock: TestClock,
  ) {}

  /**
   * Runs `count` order lives, `concurrency` at a time; `onSubmitted` hears each acknowledged order.
   * Returns this batch's journeys; one that gave up says where and why instead of stopping the rest.
   *
   * The batch's activities are all held at one time, 50 minutes from now: booking stays open (it
   * closes 30 minutes before) and check-in is already open (an hour before). Once every life has
   * checked in, the events service's clock moves past the session for the summaries and
   * completions, then back to the machine's time for the next batch.
   */
  async run(label: string, count: number, concurrency: number, onSubmitted: (n: number) => void = () => undefined): Promise<Journey[]> {
    const heldAt = new Date(Date.now() + 50 * 60_000);
    const batch: Journey[] = [];
    let submitted = 0;
    const lanes = async (work: (journey: Journey) => Promise<void>, journeys: Journey[]) => {
      const queue = [...journeys];
      const lane = async () => {
        for (let journey = queue.shift(); journey !== undefined; journey = queue.shift()) await work(journey).catch((error: Error) => (journey.failure = error.message));
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    };
    for (let i = 0; i < count; i++) {
      const n = this.sequence++;
      batch.push(this.journeyFor(`${label}-${n}`, n));
    }
    await lanes((journey) => this.untilCheckedIn(journey, heldAt, () => onSubmitted(++submitted)), batch);
    this.clock.to(new Date(heldAt.getTime() + 2 * 3_600_000 + 60_000)); // the sessions are over
    try {
      await lanes((journey) => this.completion(journey), batch.filter((j) => !j.failure));
    } finally {
      this.clock.reset();
    }
    return batch;
  }

  private journeyFor(orderId: string, i: number): Journey {
    const district = districts[i % districts.length]!;
    const communityId = district.communities[Math.floor(i / districts.length) % district.communities.length]!;
    return { orderId, communityId, teamId: district.teamId, bookings: new Map(), checkedIn: 0, walkIns: 1 + (i % 3), delivered: false, step: "place" };
  }

  private async untilCheckedIn(journey: Journey, heldAt: Date, submitted: () => void): Promise<void> {
    const { orderId, communityId, teamId } = journey;
    const { dispatch, events } = this.clients;
    const worker = workerOf(communityId);
    const status = async () => (await dispatch.getOrder({ orderId }, { actor: admin })).order?.status;

    const community = await persist("place", () => placeOf(this.clients, communityId));
    const request = { title: `健康讲座 ${orderId}`, theme: Theme.HEALTH, format: Format.EXPERT_TALK, audience: Audience.ELDERLY, expectedParticipants: 10, community, preferredDate: timestampFromDate(heldAt) };
    journey.step = "submit";
    await persist(`submit ${orderId}`, () => dispatch.submitOrder({ orderId, request }, { actor: worker }), async () => (await status()) !== undefined); // 点单
    this.journeys.push(journey);
    submitted();
    journey.step = "dispatch";
    await persist(`dispatch ${orderId}`, () => dispatch.dispatchOrder({ orderId, teamIds: [teamId] }, { actor: worker }), async () => dispatchedOrLater(await status())); // 派单
    journey.step = "accept";
    await persist(`accept ${orderId}`, () => dispatch.acceptOrder({ orderId, teamId }, { actor: leaderOf(teamId) }), async () => acceptedOrLater(await status())); // 接单

    const activityId = `act-${orderId}`;
    journey.step = "activity created from OrderAccepted";
    // Waits that span Kafka hops look every 100 ms: at the default 25 ms, dozens of lives in flight
    // made the load generator's own polling most of the reads the engine served.
    const activity = await waitFor(async () => (await events.getActivity({ activityId }, { actor: worker }).catch(() => undefined))?.activity, { timeoutMs: 120_000, intervalMs: 100, what: `activity ${activityId}` });
    const sessionId = activity.sessions[0]!.session!.sessionId;
    journey.step = "book";
    for (const residentId of [`${orderId}-r1`, `${orderId}-r2`]) {
      const resident = { id: residentId, role: Role.RESIDENT, orgId: communityId };
      const made = await persist(`book ${residentId}`, () => events.book({ activityId, sessionId }, { actor: resident })); // 预约
      journey.bookings.set(residentId, made!.booking!.bookingId);
    }
    journey.step = "check in";
    await persist(`check in ${orderId}`, () => events.checkIn({ bookingId: journey.bookings.get(`${orderId}-r1`)! }, { actor: worker })); // 签到
    journey.checkedIn = 1;
  }

  private async completion(journey: Journey): Promise<void> {
    const { orderId } = journey;
    const { dispatch, events } = this.clients;
    const worker = workerOf(journey.communityId);
    const status = async () => (await dispatch.getOrder({ orderId }, { actor: admin })).order?.status;
    const activityId = `act-${orderId}`;
    journey.step = "summary and completion";
    await persist(`summary ${orderId}`, () => events.fileSummary({ activityId, text: "讲座顺利完成，居民反响很好。" }, { actor: worker }));
    await persist(`complete ${orderId}`, () => events.completeActivity({ activityId, walkIns: journey.walkIns }, { actor: worker }));
    journey.step = "DELIVERED from ActivityCompleted";
    await waitFor(async () => (await status().catch(() => undefined)) === OrderStatus.DELIVERED, { timeoutMs: 120_000, intervalMs: 100, what: `${orderId} DELIVERED` });
    journey.delivered = true;
    journey.step = "done";
  }
}
