// Statistics: figures, breakdowns, exports, the 科普统计年报 and the live dashboard feed.
import { create } from "@bufbuild/protobuf";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { Audience, Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import * as s from "@kepu/contracts/stats/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, errorBody, fileAnswer, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { relayEvents, sseEvent } from "../sse.js";
import { signedIn, type RouteOptions } from "./context.js";

const periods = { day: s.Period.DAY, week: s.Period.WEEK, month: s.Period.MONTH, year: s.Period.YEAR } as const;
const dimensions = {
  district: [s.Dimension.DISTRICT],
  street: [s.Dimension.STREET],
  community: [s.Dimension.COMMUNITY],
  theme: [s.Dimension.THEME],
  audience: [s.Dimension.AUDIENCE],
  format: [s.Dimension.FORMAT],
  campaign: [s.Dimension.CAMPAIGN],
  ...Object.fromEntries(Object.entries(periods).map(([name, period]) => [name, [s.Dimension.PERIOD, period]])),
} as Record<string, [s.Dimension, s.Period?]>;
const format = Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("xlsx")]));
const dimension = Type.Optional(Type.Unsafe<string>({ type: "string", enum: Object.keys(dimensions), description: "分组维度：district 区 · street 街道 · community 社区 · theme 主题 · audience 人群 · format 形式 · campaign 活动节点 · day/week/month/year 北京时间的日、周、月、年 / what to group by" }));
const moment = (what: string) =>
  Type.Optional(Type.Union([Type.String({ format: "date" }), Type.String({ format: "date-time" })], { description: `${what}：北京日期（2027-09-01）或带时区的时间 / a Beijing date or a date-time with a zone` }));
// Every slice of a figure: the org (its level is the org's own: district, street or community) and
// its subtree, theme, audience, format, campaign and period (Beijing). No org: the stats service
// answers for the reader's own subtree; one outside it is not found. An unknown value is a 400.
const sliceFields = {
  orgId: Type.Optional(id("组织（区、街道或社区）及其下级 / an org and its subtree")),
  campaignId: Type.Optional(text(80)),
  theme: Type.Optional(enumName(Theme, "THEME_")),
  audience: Type.Optional(enumName(Audience, "AUDIENCE_")),
  format: Type.Optional(enumName(Format, "FORMAT_")),
  from: moment("起"),
  to: moment("止（含当天）"),
  period: Type.Optional(Type.Unsafe<keyof typeof periods>({ type: "string", enum: Object.keys(periods), description: "与 date 一起：date 所在的北京日、周、月或年 / with date: the Beijing day, week, month or year holding it" })),
  date: Type.Optional(Type.String({ format: "date", description: "北京日期，如 2027-09-28 / a Beijing date" })),
};
const sliceQuery = strictObject(sliceFields);
const exportQuery = strictObject({ ...sliceFields, format, dimension });
const breakdownQuery = strictObject({ ...sliceFields, dimension });
const openDays = Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: "点单后超过几天仍未完成算未满足需求（默认 14）/ days an order may stay open before it counts as unmet (default 14)" }));
const demandQuery = strictObject({ ...sliceFields, openDays });
const demandExportQuery = strictObject({ ...sliceFields, openDays, format });
const annualQuery = strictObject({ year: Type.Integer({ minimum: 2000, maximum: 2100 }), orgId: Type.Optional(id()), format });
const fileTypes = ["text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
const liveAnswer = { 200: { description: "server-sent events: `figures`（Figures JSON）and `error`", content: { "text/event-stream": { schema: sseEvent } } }, "4xx": errorBody, "5xx": errorBody };

type SliceQuery = { orgId?: string; campaignId?: string; theme?: string; audience?: string; format?: string; from?: string; to?: string; period?: keyof typeof periods; date?: string };
const isDate = (value: string | undefined) => !!value && /^\d{4}-\d{2}-\d{2}$/.test(value);
const instant = (value: string | undefined) => (value && !isDate(value) ? { seconds: BigInt(Math.floor(Date.parse(value) / 1000)), nanos: (Date.parse(value) % 1000) * 1_000_000 } : undefined);
/** The query's slice for the stats service, which resolves Beijing dates and periods (stats domain/slice.ts). */
const slice = (q: SliceQuery) => {
  const [from, to] = [instant(q.from), instant(q.to)];
  return {
    orgId: q.orgId ?? "",
    campaignId: q.campaignId ?? "",
    theme: enumValue(Theme, "THEME_", q.theme),
    audience: enumValue(Audience, "AUDIENCE_", q.audience),
    format: enumValue(Format, "FORMAT_", q.format),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    fromDate: isDate(q.from) ? q.from! : "",
    toDate: isDate(q.to) ? q.to! : "",
    period: q.period ? periods[q.period] : s.Period.UNSPECIFIED,
    date: q.date ?? "",
  };
};
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
    const [d, period] = dimensions[q.dimension ?? "district"]!;
    const file = await clients.stats.exportFigures({ format: exportFormat(q.format), dimension: d, period: period ?? s.Period.UNSPECIFIED, slice: slice(q) }, rpcOptions(request, caller));
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
    const [d, period] = dimensions[q.dimension ?? "district"]!;
    return json(s.GetBreakdownResponseSchema, await clients.stats.getBreakdown({ dimension: d, period: period ?? s.Period.UNSPECIFIED, slice: slice(q) }, rpcOptions(request, caller)));
  });
  // 需求与供给: per theme × community (and rolled up by street and district), orders against the menu items serving it.
  app.get("/api/v1/stats/demand-supply", { schema: { tags, ...secured, querystring: demandQuery, response: answers(protoJson(s.GetDemandSupplyResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const q = request.query;
    return json(s.GetDemandSupplyResponseSchema, await clients.stats.getDemandSupply({ slice: slice(q), openDays: q.openDays ?? 0 }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/stats/demand-supply/export", { schema: { tags, ...secured, querystring: demandExportQuery, response: fileAnswer(fileTypes, "需求与供给 csv 或 xlsx / demand against supply as csv or xlsx") } }, async (request, reply) => {
    const caller = signedIn(request);
    const q = request.query;
    return attachment(reply, await clients.stats.exportDemandSupply({ format: exportFormat(q.format), slice: slice(q), openDays: q.openDays ?? 0 }, rpcOptions(request, caller)));
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
