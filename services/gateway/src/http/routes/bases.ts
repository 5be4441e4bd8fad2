// 科普基地 over HTTP: base staff apply; the association of the base's level reviews (approve →
// numbered, a 5-year term; reject with a reason); the annual assessment drafted from the
// statistics (有活动 from the year's activities, 有影响 from its participants and residents'
// ratings), scored by the assessor; renewal and revocation (its menu items withdrawn right after,
// by the registry's reaction to BaseRevoked); expiring terms and overdue
// assessments. The registry decides who may (base.apply / base.review / base.readScores).
import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Type } from "typebox";
import { Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { AssessmentCriterion, BaseLevel } from "@kepu/contracts/registry/v1/events_pb";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, id, idempotencyHeader, params, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const level = enumName(BaseLevel, "BASE_LEVEL_");
const theme = enumName(Theme, "THEME_");
const criterion = enumName(AssessmentCriterion, "ASSESSMENT_CRITERION_");
const year = Type.Integer({ minimum: 2000, maximum: 2100, description: "考核年度 / the year assessed" });

/** 1 January of `year`, Beijing, as an instant. */
const beijingNewYear = (y: number) => new Date(Date.UTC(y, 0, 1) - 8 * 3_600_000);

const bases: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["bases"];
  const baseParams = params("baseId");

  const applyBody = strictObject({
    baseId: Type.Optional(id("基地编号（不填则自动生成）/ the base's id (made when left out)")),
    name: text(100, "基地名称 / the base's name"),
    orgId: id("基地所在单位 / the base's org"),
    level,
    themes: Type.Optional(Type.Array(theme, { maxItems: 20, uniqueItems: true, description: "科普主题 / themes" })),
    offers: Type.Optional(text(2000, "可提供的科普服务（场馆、展品、课程…）/ what the base offers")),
  });
  app.post(
    "/api/v1/bases/applications",
    { config: { idempotent: true }, schema: { tags, summary: "申请认定科普基地 / Apply for certification", ...secured, headers: idempotencyHeader, body: applyBody, response: answers(protoJson(r.ApplyBaseResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const b = request.body;
      const res = await clients.registry.applyBase(
        { baseId: b.baseId ?? `base-${randomUUID()}`, name: b.name, orgId: b.orgId, level: enumValue(BaseLevel, "BASE_LEVEL_", b.level), themes: (b.themes ?? []).map((t) => enumValue(Theme, "THEME_", t)), offers: b.offers ?? "" },
        rpcOptions(request, caller),
      );
      return json(r.ApplyBaseResponseSchema, res);
    },
  );

  const reviewBody = strictObject({
    approve: Type.Boolean({ description: "通过 / approve; 不通过须写原因 / a rejection needs the reason" }),
    reason: Type.Optional(text(500, "不通过的原因 / why not")),
  });
  app.post("/api/v1/bases/:baseId/review", { schema: { tags, summary: "审核基地申请 / Review an application", ...secured, params: baseParams, body: reviewBody, response: answers(protoJson(r.ReviewBaseApplicationResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const res = await clients.registry.reviewBaseApplication({ baseId: request.params.baseId, approve: request.body.approve, reason: request.body.reason ?? "" }, rpcOptions(request, caller));
    return json(r.ReviewBaseApplicationResponseSchema, res);
  });

  // The draft: the year's figures of the base's org as the statistics count them, pre-filled by the registry's rule.
  const draftQuery = strictObject({ year });
  app.get("/api/v1/bases/:baseId/assessment-draft", { schema: { tags, summary: "年度考核草稿（预填有活动、有影响）/ The assessment's draft", ...secured, params: baseParams, querystring: draftQuery, response: answers(protoJson(r.DraftBaseAssessmentResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const options = rpcOptions(request, caller);
    const { baseId } = request.params;
    const base = (await clients.registry.listBases({ orgId: "" }, options)).bases.find((b) => b.baseId === baseId);
    const y = request.query.year;
    // The registry decides first whether the caller assesses this base; only then are the figures read.
    await clients.registry.draftBaseAssessment({ baseId, year: y, activities: 0, participants: 0 }, options);
    const slice = { orgId: base?.orgId ?? "", from: timestampFromDate(beijingNewYear(y)), to: timestampFromDate(beijingNewYear(y + 1)) };
    const figures = base ? (await clients.stats.getFigures({ slice }, options)).figures : undefined;
    const res = await clients.registry.draftBaseAssessment(
      { baseId, year: y, activities: figures?.activities ?? 0, participants: figures?.participants ?? 0, ratings: figures?.ratings ?? 0, averageRating: figures?.averageRating ?? 0 },
      options,
    );
    return json(r.DraftBaseAssessmentResponseSchema, res);
  });

  const scoreBody = strictObject({
    year,
    scores: Type.Array(
      strictObject({
        criterion,
        score: Type.Integer({ minimum: 0, maximum: 100, description: "得分 0–100 / the score" }),
        evidence: text(1000, "依据 / the evidence"),
        prefilled: Type.Optional(Type.Integer({ minimum: -1, maximum: 100, description: "统计预填的分数（-1 无）/ what the statistics pre-filled (-1 none)" })),
      }),
      { minItems: 5, maxItems: 5, description: "有组织、有经费、有阵地、有活动、有影响" },
    ),
  });
  app.post("/api/v1/bases/:baseId/assessments", { config: { idempotent: true }, schema: { tags, summary: "年度考核评分 / Score the annual assessment", ...secured, headers: idempotencyHeader, params: baseParams, body: scoreBody, response: answers(protoJson(r.ScoreBaseResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const scores = request.body.scores.map((s) => ({ criterion: enumValue(AssessmentCriterion, "ASSESSMENT_CRITERION_", s.criterion), score: s.score, evidence: s.evidence, prefilled: s.prefilled ?? -1 }));
    return json(r.ScoreBaseResponseSchema, await clients.registry.scoreBase({ baseId: request.params.baseId, year: request.body.year, scores }, rpcOptions(request, caller)));
  });

  app.post("/api/v1/bases/:baseId/renewal", { schema: { tags, summary: "复核续期（新的 5 年期限）/ Renew for a new term", ...secured, params: baseParams, response: answers(protoJson(r.RenewBaseResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.RenewBaseResponseSchema, await clients.registry.renewBase({ baseId: request.params.baseId }, rpcOptions(request, caller)));
  });

  const revokeBody = strictObject({ reason: text(500, "撤销原因 / why") });
  app.post("/api/v1/bases/:baseId/revocation", { schema: { tags, summary: "撤销认定（菜单项随之下架）/ Revoke (its menu items withdrawn)", ...secured, params: baseParams, body: revokeBody, response: answers(protoJson(r.RevokeBaseResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.RevokeBaseResponseSchema, await clients.registry.revokeBase({ baseId: request.params.baseId, reason: request.body.reason }, rpcOptions(request, caller)));
  });

  const deadlinesQuery = strictObject({
    orgId: Type.Optional(id("组织（含其下级）/ the organization, with its subtree")),
    withinDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: "多少天内到期（默认 90）/ terms ending within this many days (90)" })),
  });
  app.get("/api/v1/bases/deadlines", { schema: { tags, summary: "即将到期与逾期未考核 / Expiring terms and overdue assessments", ...secured, querystring: deadlinesQuery, response: answers(protoJson(r.ListBaseDeadlinesResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(r.ListBaseDeadlinesResponseSchema, await clients.registry.listBaseDeadlines({ orgId: request.query.orgId ?? "", withinDays: request.query.withinDays ?? 0 }, rpcOptions(request, caller)));
  });
};

export default bases;
