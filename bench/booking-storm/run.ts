// bench/booking-storm: RESIDENTS residents, CONCURRENCY at a time, book one session of SEATS seats
// through the public HTTP API (gateway → events). Records exactly-SEATS booked, the waitlist in
// first-come order, attempts/s and latency. Writes bench/results/booking-storm.json.
import { Agent, request } from "node:http";
import { SignJWT } from "jose";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventsService } from "@kepu/contracts/events/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { percentiles, writeResult } from "../lib/report.js";

const residents = Number(process.env.BENCH_RESIDENTS ?? 5_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 2_000);
const seats = Number(process.env.BENCH_SEATS ?? 100);
const secret = "bench-booking-storm-secret-0123456789abcdef";
const engines = new TestEngines(uniquePrefix("benchstorm"));
await engines.createTopics(["events", "dispatch", "registry"].map((c) => engines.topic(c)));
const events = await ServiceProcess.start("events", engines.serviceEnv({ LOG_LEVEL: "error", WAITLIST_MAX: "200", PRIORITY_SHARE: "0" }));
const gateway = await ServiceProcess.start("gateway", engines.serviceEnv({ LOG_LEVEL: "error", JWT_SECRET: secret, EVENTS_GRPC: events.grpcAddress, RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_IP_PER_MINUTE: "100000" }));
// node:http with one keep-alive socket per concurrent resident: the load generator shares the two
// cores with what it measures, and fetch (web streams) costs it more CPU per request.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
try {
  const place = { orgId: "c1", path: ["sz", "d1", "s1", "c1"], districtId: "d1", streetId: "s1", communityId: "c1" };
  const rpc = createRpcClient(EventsService, events.grpcAddress, { signer: testSigner() });
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const { activity } = await rpc.publishActivity(
    { title: "科普月 热门讲座", theme: Theme.ARTIFICIAL_INTELLIGENCE, place, sessions: [{ startsAt: timestampFromDate(startsAt), endsAt: timestampFromDate(new Date(startsAt.getTime() + 7_200_000)), capacity: seats, place: "报告厅" }] },
    { actor: { id: "admin", role: Role.ADMIN } },
  );
  rpc.close();
  const url = `${gateway.httpUrl}/api/v1/activities/${activity!.activityId}/sessions/${activity!.sessions[0]!.session!.sessionId}/bookings`;
  // Tokens are minted up front: sign-in is not what this measures.
  const key = new TextEncoder().encode(secret);
  const tokens = await Promise.all(
    Array.from({ length: residents }, (_, i) =>
      new SignJWT({ role: Role.RESIDENT, org: "c1", name: "" }).setProtectedHeader({ alg: "HS256" }).setSubject(`r-${i}`).setIssuer("kepu-gateway").setAudience("kepu-app").setExpirationTime("1h").sign(key),
    ),
  );
  const post = (token: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: "POST", agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
  const outcomes: { status: string; position: number; ms: number; at: number }[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < residents) {
      const i = next++;
      const t0 = performance.now();
      try {
        const response = await post(tokens[i]!);
        const body = JSON.parse(response.body) as { booking?: { status: string; waitlistPosition: number }; code?: string };
        outcomes.push({ status: body.booking?.status ?? body.code ?? String(response.status), position: body.booking?.waitlistPosition ?? 0, ms: performance.now() - t0, at: t0 });
      } catch (error) {
        outcomes.push({ status: `CONNECTION_ERROR ${(error as Error).cause ?? error}`.slice(0, 60), position: 0, ms: performance.now() - t0, at: t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const seated = outcomes.filter((o) => o.status === "BOOKING_STATUS_SEATED").length;
  const waiting = outcomes.filter((o) => o.status === "BOOKING_STATUS_WAITLISTED").map((o) => o.position).sort((a, b) => a - b);
  const counts = outcomes.reduce<Record<string, number>>((acc, o) => ((acc[o.status] = (acc[o.status] ?? 0) + 1), acc), {});
  const latency = percentiles(outcomes.map((o) => o.ms));
  writeResult(
    "booking-storm",
    {
      target: "through the public HTTP API (gateway → events); exactly-seats booked, waitlist first-come; ≥ 8,000 attempts/s; p99 ≤ 400 ms",
      params: { residents, concurrency, seats, waitlistMax: 200 },
      exactlySeatsBooked: seated === seats,
      seated,
      waitlistPositionsContiguous: waiting.every((p, i) => p === i + 1),
      outcomes: counts,
      attemptsPerSecond: Math.round(residents / seconds),
      latencyMs: latency,
    },
    [{ seated, "exactly seats": String(seated === seats), waitlisted: waiting.length, "attempts/s": Math.round(residents / seconds), "p50 ms": latency.p50, "p99 ms": latency.p99 }],
  );
} finally {
  agent.destroy();
  await gateway.stop();
  await events.stop();
  await engines.cleanup();
}
