// Bulk import from Excel: the template to download, and a filled-in sheet uploaded as the body.
// The gateway reads the xlsx (exceljs) into rows of text and hashes the file; the registry owns
// the columns, checks every row before writing anything, and answers the per-row report.
import { createHash } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type ExcelJS from "exceljs";
import { Type } from "typebox";
import * as r from "@kepu/contracts/registry/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { json, rpcOptions } from "../app.js";
import { answers, fileAnswer, protoJson, secured, strictObject } from "../schemas.js";
import { signedIn, type RouteOptions } from "./context.js";
import { excel } from "../excel.js";

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const kinds = { volunteers: r.ImportKind.VOLUNTEERS, teams: r.ImportKind.TEAMS, orgs: r.ImportKind.ORGS } as const;
const kindParams = strictObject({ kind: Type.Union(Object.keys(kinds).map((k) => Type.Literal(k as keyof typeof kinds)), { description: "volunteers | teams | orgs" }) });
const sheetName = "导入";
/** A sheet of 10,000 rows is checked and written in seconds, well past an ordinary call's deadline. */
const importTimeoutMs = 120_000;

/** A cell as text: dates as YYYY-MM-DD, numbers as written, formulas by their result. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (value && typeof value === "object" && "result" in value) return String(value.result ?? "");
  return cell.text ?? "";
}

/** The first sheet's header row and its data rows (blank rows left out). */
async function readSheet(file: Buffer): Promise<{ headers: string[]; rows: { row: number; cells: string[] }[] }> {
  const book = new (await excel()).Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw kepuError("invalid", "BAD_XLSX", "无法读取该文件，请上传由模板填写的 .xlsx 文件", "The file cannot be read; upload an .xlsx filled in from the template", "body");
  }
  const sheet = book.getWorksheet(sheetName) ?? book.worksheets[0];
  if (!sheet) throw kepuError("invalid", "BAD_XLSX", "文件中没有工作表", "The file has no sheet", "body");
  const width = sheet.getRow(1).cellCount;
  const headers = Array.from({ length: width }, (_, i) => cellText(sheet.getRow(1).getCell(i + 1)).trim());
  const rows: { row: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells = Array.from({ length: width }, (_, i) => cellText(row.getCell(i + 1)).trim());
    if (cells.some(Boolean)) rows.push({ row: number, cells });
  });
  return { headers, rows };
}

const imports: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { clients }) => {
  const tags = ["imports"];
  app.addContentTypeParser(xlsxType, { parseAs: "buffer", bodyLimit: 20 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.get("/api/v1/imports/:kind/template", { schema: { tags, ...secured, params: kindParams, response: fileAnswer([xlsxType], "导入模板 / the import template") } }, async (request, reply) => {
    const caller = signedIn(request);
    const { columns } = await clients.registry.importColumns({ kind: kinds[request.params.kind] }, rpcOptions(request, caller));
    const book = new (await excel()).Workbook();
    const sheet = book.addWorksheet(sheetName);
    sheet.addRow(columns.map((c) => c.header)).font = { bold: true };
    sheet.columns.forEach((column, i) => {
      column.width = Math.max(12, [...(columns[i]?.header ?? "")].length * 2 + 4);
      column.numFmt = "@"; // text: phone numbers and ids stay as typed
    });
    const help = book.addWorksheet("填写说明");
    help.addRow(["列", "必填", "说明", "示例"]).font = { bold: true };
    for (const c of columns) help.addRow([c.header, c.required ? "是" : "否", c.note, c.example]);
    help.columns.forEach((column, i) => (column.width = [12, 6, 60, 24][i] ?? 12));
    const file = Buffer.from(await book.xlsx.writeBuffer());
    return reply.type(xlsxType).header("content-disposition", `attachment; filename="${request.params.kind}-template.xlsx"`).send(file);
  });

  // The sheet itself is the body, declared so the typed client (services/web) may send it.
  const sheetBody = { content: { [xlsxType]: { schema: { type: "string", format: "binary" } } } };
  app.post("/api/v1/imports/:kind", { schema: { tags, ...secured, params: kindParams, consumes: [xlsxType], body: Type.Unsafe<Buffer>(sheetBody), response: answers(protoJson(r.ImportRowsResponseSchema)) } }, async (request) => {
    const caller = signedIn(request);
    const file = request.body;
    if (!Buffer.isBuffer(file)) throw kepuError("invalid", "XLSX_REQUIRED", "请以 .xlsx 文件作为请求体上传", `Upload the .xlsx file as the body (${xlsxType})`, "body");
    const { headers, rows } = await readSheet(file);
    const fileHash = createHash("sha256").update(file).digest("hex");
    return json(r.ImportRowsResponseSchema, await clients.registry.importRows({ kind: kinds[request.params.kind], fileHash, headers, rows }, { ...rpcOptions(request, caller), timeoutMs: importTimeoutMs }));
  });
};

export default imports;
