// An order's whole chain in one answer (issue 17): the order and its hops → the activity and its
// sessions → bookings and attendance → service hours → the 图文总结 → the rating → the figures it
// moved, with the names of every org and team it names. Each part is asked of the service that
// owns it as the caller: what the caller may not see (attendance for a resident, the figures
// outside a reader's subtree) is simply left out; the order itself is refused as dispatch refuses it.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import * as d from "@kepu/contracts/dispatch/v1/service_pb";
import * as e from "@kepu/contracts/events/v1/service_pb";
import * as s from "@kepu/contracts/stats/v1/service_pb";
import { isKepuError } from "@kepu/errors";
import { json, rpcOptions } from "../app.js";
import { answers, params, protoJson, secured } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const count = (description: string) => Type.Integer({ minimum: 0, description });
const chainAnswer = Type.Object({
  order: protoJson(d.OrderSchema),
  names: Type.Record(Type.String(), Type.String(), { description: "组织、队伍编号 → 名称 / org and team ids → their names" }),
  activity: Type.Optional(protoJson(e.ActivitySchema)),
  attendance: Type.Optional(
    Type.Object({
      booked: count("已预约（占座）/ seats taken"),
      waitlisted: count("候补 / on the waitlist"),
      checkedIn: Type.Optional(count("已签到，看得到签到名单的人才有 / checked in, for those who may see attendance")),
    }),
  ),
  summary: Type.Optional(protoJson(e.GetSummaryResponseSchema)),
  figures: Type.Optional(protoJson(s.FiguresSchema)),
  eventKeys: Type.Optional(Type.Array(Type.String(), { description: "工作人员可见：每一步事件的编号（订单号@版本）/ staff only: each step's event key (order id@version)" })),
});

/** A part the caller may not see, or that does not exist yet, is left out; anything else fails the request. */
async function unlessHidden<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isKepuError(error) && (error.kind === "forbidden" || error.kind === "not_found")) return undefined;
    throw error;
  }
}

const chain: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  app.get("/api/v1/orders/:orderId/chain", { schema: { tags: ["orders"], ...secured, params: params("orderId"), response: answers(chainAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const order = (await clients.dispatch.getOrder({ orderId: request.params.orderId }, options)).order!;
    const activityId = order.activityId;
    const activity = activityId ? (await unlessHidden(clients.events.getActivity({ activityId }, options)))?.activity : undefined;
    const communityId = order.request?.community?.orgId ?? "";
    const [attendance, summary, figures] = await Promise.all([
      activity ? unlessHidden(clients.events.listAttendance({ activityId }, options)) : undefined,
      activity?.summaryFiled ? unlessHidden(clients.events.getSummary({ activityId }, options)) : undefined,
      communityId && caller.role !== Role.RESIDENT ? unlessHidden(clients.stats.getFigures({ slice: { orgId: communityId, campaignId: "" } }, options)) : undefined,
    ]);

    // Names of every org and team the chain names, each asked once.
    // A session's place is an org's id when it is held at one (the ordering community); else an address, kept as it is.
    const places = (activity?.sessions ?? []).map((x) => x.session?.place ?? "").filter((place) => /^[A-Za-z0-9_.:-]{1,120}$/.test(place));
    const orgIds = new Set([...(order.request?.community?.path ?? []), ...order.timeline.map((step) => step.actor?.orgId ?? ""), activity?.organizerOrgId ?? "", ...(activity?.place?.path ?? []), ...places]);
    const teamIds = new Set([...order.invitedTeamIds, ...order.declinedTeamIds, order.acceptedTeamId, activity?.teamId ?? "", ...order.timeline.flatMap((step) => step.teamIds)]);
    for (const teamId of teamIds) orgIds.delete(teamId);
    const named = await Promise.all([
      ...[...orgIds].filter(Boolean).map(async (orgId) => [orgId, (await unlessHidden(clients.registry.getOrganization({ orgId }, options)))?.organization?.name] as const),
      ...[...teamIds].filter(Boolean).map(async (teamId) => [teamId, (await unlessHidden(clients.registry.getTeam({ teamId }, options)))?.team?.name] as const),
    ]);
    const names = Object.fromEntries(named.filter((pair): pair is readonly [string, string] => Boolean(pair[1])));

    const sessions = activity?.sessions ?? [];
    return {
      order: json(d.OrderSchema, order),
      names,
      ...(activity ? { activity: json(e.ActivitySchema, activity) } : {}),
      ...(activity
        ? {
            attendance: {
              booked: sessions.reduce((sum, x) => sum + x.seatsTaken, 0),
              waitlisted: sessions.reduce((sum, x) => sum + x.waitlistLength, 0),
              ...(attendance ? { checkedIn: attendance.checkedIn } : {}),
            },
          }
        : {}),
      ...(summary ? { summary: json(e.GetSummaryResponseSchema, summary) } : {}),
      ...(figures?.figures ? { figures: json(s.FiguresSchema, figures.figures) } : {}),
      // An event on the dispatch topic is its order's id at the version it made (one step, one version).
      ...(caller.role !== Role.RESIDENT ? { eventKeys: order.timeline.map((_, i) => `${order.orderId}@${i + 1}`) } : {}),
    };
  });
};

export default chain;
