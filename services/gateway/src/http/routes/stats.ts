// Statistics: figures, breakdowns, exports, the 科普统计年报 and the live dashboard feed.
import { create } from "@bufbuild/protobuf";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import * as s from "@kepu/contracts/stats/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, errorBody, fileAnswer, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { relayEvents, sseEvent } from "../sse.js";
import { signedIn, type RouteOptions } from "./context.js";

const dimensions = { district: s.Dimension.DISTRICT, street: s.Dimension.STREET, community: s.Dimension.COMMUNITY, theme: s.Dimension.THEME, campaign: s.Dimension.CAMPAIGN } as const;
const format = Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("xlsx")]));
const dimension = Type.Optional(Type.Union(Object.keys(dimensions).map((k) => Type.Literal(k as keyof typeof dimensions))));
// No org: the stats service answers for the reader's own subtree; one outside it is not found.
const sliceQuery = strictObject({ orgId: Type.Optional(id()), campaignId: Type.Optional(text(80)) });
const exportQuery = strictObject({ orgId: Type.Optional(id()), campaignId: Type.Optional(text(80)), format, dimension });
const breakdownQuery = strictObject({ orgId: Type.Optional(id()), campaignId: Type.Optional(text(80)), dimension });
const annualQuery = strictObject({ year: Type.Integer({ minimum: 2000, maximum: 2100 }), orgId: Type.Optional(id()), format });
const fileTypes = ["text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
const liveAnswer = { 200: { description: "server-sent events: `figures`（Figures JSON）and `error`", content: { "text/event-stream": { schema: sseEvent } } }, "4xx": errorBody, "5xx": errorBody };

const slice = (q: { orgId?: string; campaignId?: string }) => ({ orgId: q.orgId ?? "", campaignId: q.campaignId ?? "" });
const exportFormat = (value: string | undefined) => (value === "xlsx" ? s.ExportFormat.XLSX : s.ExportFormat.CSV);
/** An export answered as a file to save under the stats service's name for it. */
const attachment = (reply: FastifyReply, file: { filename: string; contentType: string; content: Uint8Array }) =>
  reply.header("content-type", file.contentType).header("content-disposition", `attachment; filename="${file.filename}"`).send(Buffer.from(file.content));

const stats: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["stats"];
  app.get("/api/v1/stats/figures", { schema: { tags, ...secured, querystring: sliceQuery, response: answers(protoJson(s.GetFiguresResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(s.GetFiguresResponseSchema, await clients.stats.getFigures({ slice: slice(request.query) }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/stats/export", { schema: { tags, ...secured, querystring: exportQuery, response: fileAnswer(fileTypes, "csv 或 xlsx 文件 / a csv or xlsx file") } }, async (request, reply) => {
    const caller = signedIn(request);
    const q = request.query;
    const file = await clients.stats.exportFigures({ format: exportFormat(q.format), dimension: dimensions[q.dimension ?? "district"], slice: slice(q) }, rpcOptions(request, caller));
    return attachment(reply, file);
  });
  app.get("/api/v1/stats/annual-return", { schema: { tags, ...secured, querystring: annualQuery, response: fileAnswer(fileTypes, "科普统计年报 / the annual return") } }, async (request, reply) => {
    const caller = signedIn(request);
    const q = request.query;
    const file = await clients.stats.exportAnnualReturn({ year: q.year, orgId: q.orgId ?? "", format: exportFormat(q.format) }, rpcOptions(request, caller)); // 科普统计年报
    return attachment(reply, file);
  });
  app.get("/api/v1/stats/breakdown", { schema: { tags, ...secured, querystring: breakdownQuery, response: answers(protoJson(s.GetBreakdownResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    return json(s.GetBreakdownResponseSchema, await clients.stats.getBreakdown({ dimension: dimensions[q.dimension ?? "district"], slice: slice(q) }, rpcOptions(request, caller)));
  });
  // The live dashboard: server-sent events relayed from the stats service's WatchFigures stream.
  app.get("/api/v1/stats/live", { schema: { tags, ...secured, querystring: sliceQuery, response: liveAnswer } }, async (request, reply) => {
    const caller = signedIn(request);
    await relayEvents(
      request,
      reply,
      (signal) => clients.stats.watchFigures({ slice: slice(request.query) }, { ...rpcOptions(request, caller), signal }),
      (update) => [{ event: "figures", data: json(s.FiguresSchema, update.figures ?? create(s.FiguresSchema)) }],
      { code: "STATS_UNAVAILABLE", message: "统计服务暂不可用 / Stats service unavailable" },
    );
  });
};

export default stats;
