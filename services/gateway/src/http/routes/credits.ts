// 科普教育学分 over HTTP (events service: student.register and credit.readOwn for residents,
// credit.export for a school's own staff and the associations above it). A school is an org of the
// org tree: the gateway reads its name and place from the registry and hands them on.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import ExcelJS from "exceljs";
import { Type } from "typebox";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import * as e from "@kepu/contracts/events/v1/service_pb";
import { json, rpcOptions } from "../app.js";
import { answers, fileAnswer, id, protoJson, secured, strictObject, text } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";

const studentBody = strictObject({
  name: text(20, "学生姓名 / the student's name"),
  schoolId: id("学校（组织树中的学校）/ the school, an org of the tree"),
  grade: text(20, "年级 / grade"),
  child: Type.Optional(Type.Boolean({ description: "家长为孩子添加 / a parent adds a child" })),
});
/** An instant as Beijing people read it: "2027-09-05 10:00". */
const beijing = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The school's credits as one sheet: a header row in Chinese, one row per credit record. */
async function creditsWorkbook(schoolName: string, credits: e.CreditRecord[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
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
  app.get(
    "/api/v1/schools/:schoolId/credits/export",
    { schema: { tags, summary: "导出学校的学分 / Export a school's credits (xlsx)", ...secured, params: strictObject({ schoolId: id("学校 / the school") }), response: fileAnswer([xlsxType], "xlsx 文件 / an xlsx file") } },
    async (request, reply) => {
      const caller = signedIn(request);
      const { organization: school } = await clients.registry.getOrganization({ orgId: request.params.schoolId }, rpcOptions(request, caller));
      const answer = await clients.events.listSchoolCredits({ schoolId: request.params.schoolId, schoolPath: school?.place?.path ?? [] }, rpcOptions(request, caller));
      const file = await creditsWorkbook(school?.name ?? "", answer.credits);
      return reply.header("content-type", xlsxType).header("content-disposition", `attachment; filename="credits-${request.params.schoolId}.xlsx"`).send(file);
    },
  );
};

export default credits;
