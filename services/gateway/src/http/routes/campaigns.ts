// Campaigns (活动节点) over HTTP: the campaigns as data (events service: campaign.read for everyone
// signed in, campaign.change for the city or a district association over the owner's place), 报备
// of an activity to one (its organizer), and a campaign's roll-up with its export (stats service:
// figures.read, the reader's subtree).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type, type Static } from "typebox";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { CampaignLevel } from "@kepu/contracts/events/v1/events_pb";
import * as e from "@kepu/contracts/events/v1/service_pb";
import * as s from "@kepu/contracts/stats/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, fileAnswer, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const day = (description: string) => Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description });
const level = enumName(CampaignLevel, "CAMPAIGN_LEVEL_");
const campaignBody = strictObject({
  name: text(100, "名称 / the campaign's name"),
  firstDay: day("第一天（北京时间）/ first day, Beijing"),
  lastDay: day("最后一天 / last day"),
  themes: Type.Optional(Type.Array(enumName(Theme, "THEME_"), { maxItems: 20 })),
  registrationOpens: day("报备开始 / registration opens"),
  registrationCloses: day("报备截止（当天 24:00）/ registration closes at 24:00 of"),
  summaryDue: day("图文总结截止（当天 24:00）/ summaries due by 24:00 of"),
  levels: Type.Array(level, { minItems: 1, maxItems: 4, description: "可报备的级别 / the levels it takes" }),
  ownerOrgId: Type.Optional(id("主办的科协（默认本单位）/ the owning association (yours by default)")),
});
const campaignParams = strictObject({ campaignId: id("活动节点 / the campaign") });
const listQuery = strictObject({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: "年份 / the year" })) });
const registrationBody = strictObject({ campaignId: id("活动节点 / the campaign"), level });
const exportQuery = strictObject({ format: Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("xlsx")])) });
const fileTypes = ["text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"];
const rollupAnswer = Type.Object({ campaign: Type.Unsafe(protoJson(e.CampaignSchema)), rollup: Type.Unsafe(protoJson(s.CampaignRollupSchema)) });

type CampaignBody = Static<typeof campaignBody>;

const campaigns: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["campaigns"];

  /** What the events service takes: names as enum numbers, and the owner's place as the registry has it. */
  const inputOf = async (b: CampaignBody, request: FastifyRequest, caller: ReturnType<typeof signedIn>) => {
    const ownerOrgId = b.ownerOrgId ?? caller.orgId;
    const owner = ownerOrgId ? (await clients.registry.getOrganization({ orgId: ownerOrgId }, rpcOptions(request, caller))).organization : undefined;
    return {
      name: b.name,
      firstDay: b.firstDay,
      lastDay: b.lastDay,
      themes: (b.themes ?? []).map((t) => enumValue(Theme, "THEME_", t)),
      registrationOpens: b.registrationOpens,
      registrationCloses: b.registrationCloses,
      summaryDue: b.summaryDue,
      levels: b.levels.map((l) => enumValue(CampaignLevel, "CAMPAIGN_LEVEL_", l)),
      ownerOrgId,
      ownerPath: owner?.place?.path ?? [],
    };
  };

  app.get("/api/v1/campaigns", { schema: { tags, summary: "活动节点列表 / Campaigns", ...secured, querystring: listQuery, response: answers(protoJson(e.ListCampaignsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.ListCampaignsResponseSchema, await clients.events.listCampaigns({ year: request.query.year ?? 0 }, rpcOptions(request, caller)));
  });
  app.post("/api/v1/campaigns", { schema: { tags, summary: "新建活动节点 / Create a campaign", ...secured, body: campaignBody, response: answers(protoJson(e.CreateCampaignResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.CreateCampaignResponseSchema, await clients.events.createCampaign({ campaign: await inputOf(request.body, request, caller) }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/campaigns/:campaignId", { schema: { tags, summary: "活动节点 / A campaign", ...secured, params: campaignParams, response: answers(protoJson(e.GetCampaignResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.GetCampaignResponseSchema, await clients.events.getCampaign({ campaignId: request.params.campaignId }, rpcOptions(request, caller)));
  });
  app.put("/api/v1/campaigns/:campaignId", { schema: { tags, summary: "修改活动节点 / Edit a campaign", ...secured, params: campaignParams, body: campaignBody, response: answers(protoJson(e.UpdateCampaignResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const campaign = await inputOf(request.body, request, caller);
    return json(e.UpdateCampaignResponseSchema, await clients.events.updateCampaign({ campaignId: request.params.campaignId, campaign }, rpcOptions(request, caller)));
  });
  app.post(
    "/api/v1/activities/:activityId/campaign-registration",
    { schema: { tags, summary: "报备活动到活动节点 / Register an activity to a campaign", ...secured, params: strictObject({ activityId: id() }), body: registrationBody, response: answers(protoJson(e.RegisterToCampaignResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const { campaignId, level: name } = request.body;
      const input = { activityId: request.params.activityId, campaignId, level: enumValue(CampaignLevel, "CAMPAIGN_LEVEL_", name) };
      return json(e.RegisterToCampaignResponseSchema, await clients.events.registerToCampaign(input, rpcOptions(request, caller))); // 报备
    },
  );
  app.get("/api/v1/campaigns/:campaignId/rollup", { schema: { tags, summary: "活动节点汇总 / A campaign's roll-up", ...secured, params: campaignParams, response: answers(rollupAnswer) } }, async (request) => {
    const caller = signedIn(request);
    const { campaign } = await clients.events.getCampaign({ campaignId: request.params.campaignId }, rpcOptions(request, caller));
    const { rollup } = await clients.stats.getCampaignRollup({ campaignId: request.params.campaignId }, rpcOptions(request, caller));
    return { campaign: json(e.CampaignSchema, campaign!), rollup: json(s.CampaignRollupSchema, rollup!) };
  });
  app.get(
    "/api/v1/campaigns/:campaignId/rollup/export",
    { schema: { tags, summary: "导出活动节点汇总 / Export a campaign's roll-up", ...secured, params: campaignParams, querystring: exportQuery, response: fileAnswer(fileTypes, "csv 或 xlsx 文件 / a csv or xlsx file") } },
    async (request, reply) => {
      const caller = signedIn(request);
      const { campaign } = await clients.events.getCampaign({ campaignId: request.params.campaignId }, rpcOptions(request, caller));
      const format = request.query.format === "xlsx" ? s.ExportFormat.XLSX : s.ExportFormat.CSV;
      const file = await clients.stats.exportCampaignRollup({ campaignId: request.params.campaignId, format, campaignName: campaign?.name ?? "" }, rpcOptions(request, caller));
      return reply.header("content-type", file.contentType).header("content-disposition", `attachment; filename="${file.filename}"`).send(Buffer.from(file.content));
    },
  );
};

export default campaigns;
