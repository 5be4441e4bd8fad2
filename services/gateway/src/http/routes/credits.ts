// 科普教育学分 over HTTP (events service: student.register and credit.readOwn for residents,
// credit.export for a school's own staff and the associations above it). A school is an org of the
// org tree: the gateway reads its name and place from the registry and hands them on.
// Credit rules (creditRule.read for staff and teams; creditRule.change for the city and a district
// association over the owner's place): the gateway reads the owner's place and kind from the registry.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import * as e from "@kepu/contracts/events/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, enumName, enumValue, fileAnswer, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";
import { excel } from "../excel.js";

const studentBody = strictObject({
  name: text(20, "学生姓名 / the student's name"),
  schoolId: id("学校（组织树中的学校）/ the school, an org of the tree"),
  grade: text(20, "年级 / grade"),
  child: Type.Optional(Type.Boolean({ description: "家长为孩子添加 / a parent adds a child" })),
});
const ruleBody = strictObject({
  campaignId: Type.Optional(id("活动节点（不填：任何）/ the campaign, none for any")),
  theme: Type.Optional(enumName(Theme, "THEME_")),
  format: Type.Optional(enumName(Format, "FORMAT_")),
  hoursPerCredit: Type.Number({ description: "每学分所需小时数 / hours per credit" }),
  capPerActivity: Type.Number({ description: "每次活动学分上限 / at most this many credits per activity" }),
});
const ruleSetBody = strictObject({
  rules: Type.Array(ruleBody, { maxItems: 100, description: "整套规则（替换原有的）/ the whole set, replacing the one there is" }),
  expectedVersion: Type.Integer({ minimum: 0, description: "读到的版本（尚无：0）/ the version read, 0 for none yet" }),
});
/** An instant as Beijing people read it: "2027-09-05 10:00". */
const beijing = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The school's credits as one sheet: a header row in Chinese, one row per credit record. */
async function creditsWorkbook(schoolName: string, credits: e.CreditRecord[]): Promise<Buffer> {
  const workbook = new (await excel()).Workbook();
  const sheet = workbook.addWorksheet("科普教育学分");
  sheet.addRow(["学生 / Student", "学校 / School", "年级 / Grade", "活动 / Activity", "时长（小时）/ Hours", "学分 / Credits", "确认人 / Confirmed by", "确认时间（北京时间）/ Confirmed at"]);
  for (const c of credits) {
    const at = c.confirmedAt ? timestampDate(c.confirmedAt) : undefined;
    sheet.addRow([c.studentName, c.schoolName || schoolName, c.grade, c.activityTitle, c.hours, c.credits, c.confirmedBy, at ? beijing(at) : ""]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const credits: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["credits"];

  app.post("/api/v1/me/students", { schema: { tags, summary: "登记学生身份或添加孩子 / Say you are a student, or add a child", ...secured, body: studentBody, response: answers(protoJson(e.RegisterStudentResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const b = request.body;
    const { organization: school } = await clients.registry.getOrganization({ orgId: b.schoolId }, rpcOptions(request, caller));
    const student = { name: b.name, schoolId: b.schoolId, schoolName: school?.name ?? "", schoolPath: school?.place?.path ?? [], grade: b.grade };
    return json(e.RegisterStudentResponseSchema, await clients.events.registerStudent({ student, child: b.child ?? false }, rpcOptions(request, caller)));
  });
  app.get("/api/v1/me/credits", { schema: { tags, summary: "我的学分 / My credits (and my children's)", ...secured, response: answers(protoJson(e.ListMyCreditsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.ListMyCreditsResponseSchema, await clients.events.listMyCredits({}, rpcOptions(request, caller)));
  });
  app.get("/api/v1/credit-rules", { schema: { tags, summary: "学分规则 / Credit rules of the city and its districts", ...secured, response: answers(protoJson(e.ListCreditRulesResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    return json(e.ListCreditRulesResponseSchema, await clients.events.listCreditRules({}, rpcOptions(request, caller)));
  });
  app.put(
    "/api/v1/credit-rules/:orgId",
    { schema: { tags, summary: "设置市或区科协的学分规则 / Set an association's credit rules", ...secured, params: strictObject({ orgId: id("市或区 / the city or district") }), body: ruleSetBody, response: answers(protoJson(e.SetCreditRulesResponseSchema)) } },
    async (request) => {
      const caller = signedIn(request);
      const { organization: owner } = await clients.registry.getOrganization({ orgId: request.params.orgId }, rpcOptions(request, caller));
      const rules = request.body.rules.map((r) => ({ campaignId: r.campaignId ?? "", theme: enumValue(Theme, "THEME_", r.theme), format: enumValue(Format, "FORMAT_", r.format), hoursPerCredit: r.hoursPerCredit, capPerActivity: r.capPerActivity }));
      const input = { ownerOrgId: request.params.orgId, ownerPath: owner?.place?.path ?? [], ownerKind: owner?.kind ?? 0, rules, expectedVersion: request.body.expectedVersion };
      return json(e.SetCreditRulesResponseSchema, await clients.events.setCreditRules(input, rpcOptions(request, caller)));
    },
  );
  const schoolParams = strictObject({ schoolId: id("学校 / the school") });
  /** A school's name and credits; the events service checks credit.export against its place. */
  const schoolCredits = async (request: FastifyRequest, schoolId: string) => {
    const caller = signedIn(request);
    const { organization: school } = await clients.registry.getOrganization({ orgId: schoolId }, rpcOptions(request, caller));
    const answer = await clients.events.listSchoolCredits({ schoolId, schoolPath: school?.place?.path ?? [] }, rpcOptions(request, caller));
    return { schoolName: school?.name ?? "", answer };
  };
  app.get(
    "/api/v1/schools/:schoolId/credits",
    { schema: { tags, summary: "学校的学分 / A school's credits", ...secured, params: schoolParams, response: answers(protoJson(e.ListSchoolCreditsResponseSchema)) } },
    async (request) => json(e.ListSchoolCreditsResponseSchema, (await schoolCredits(request, request.params.schoolId)).answer),
  );
  app.get(
    "/api/v1/schools/:schoolId/credits/export",
    { schema: { tags, summary: "导出学校的学分 / Export a school's credits (xlsx)", ...secured, params: schoolParams, response: fileAnswer([xlsxType], "xlsx 文件 / an xlsx file") } },
    async (request, reply) => {
      const { schoolName, answer } = await schoolCredits(request, request.params.schoolId);
      const file = await creditsWorkbook(schoolName, answer.credits);
      return reply.header("content-type", xlsxType).header("content-disposition", `attachment; filename="credits-${request.params.schoolId}.xlsx"`).send(file);
    },
  );
};

export default credits;
