// Bulk import of org units from a sheet (pure): the columns, and every row decided by the org
// aggregate's own decider (domain/organization.ts: kind under its parent, parent open, id new)
// before anything is written. A row may name as parent, or as a community it serves, an org made
// by a row above it: each row is decided against the tree as the rows above leave it.
import type { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { checkSheet, idPattern, idRule, idsIn, nameIn, orgKindIn, ownIdIn, orgKindName, orgKindNote, type Column, type Problem, type SheetLine, type SheetRow } from "./import-sheet.js";
import * as organization from "./organization.js";
import type { OrgEvent, OrgState } from "./organization.js";

export const orgColumns: Column[] = [
  { header: "机构编号", required: true, note: `${idRule}，全表不重复`, example: "sz-futian-lianhua" },
  { header: "名称", required: true, note: "1 到 100 字", example: "莲花街道" },
  { header: "类型", required: true, note: orgKindNote, example: "街道" },
  { header: "上级编号", required: false, note: "已有组织或本表前面行中的机构编号；只有市级组织不填", example: "sz-futian" },
  { header: "服务社区", required: false, note: "文明实践中心/所/站/实践点、党群服务中心服务的社区编号，多个用顿号分隔（社区须已存在或写在本行之前）", example: "sz-futian-lianhua-c1、sz-futian-lianhua-c2" },
];

/** A valid row: what registering it (unless it exists as the row says) and setting what it serves decided. */
export interface OrgRow {
  row: number;
  orgId: string;
  /** The org as the row registers it; absent when it exists already, exactly as the row says (a file imported again). */
  register?: { orgId: string; name: string; kind: OrgKind; parentId: string };
  /** The communities it serves, when the row names them and that changes what it serves. */
  serves?: string[];
  events: OrgEvent[];
}

/** What the use case loaded (after authorizing the importer for every parent named): the existing orgs the rows name, by id. */
export interface OrgImportContext {
  orgs: ReadonlyMap<string, OrgState>;
}

/** Which column a refusal of the org decider belongs to, by the field it names. */
const columnOf: Record<string, string> = { id: "机构编号", orgId: "机构编号", parentId: "上级编号", communityIds: "服务社区" };

export function checkOrgRows(headers: readonly string[], rows: readonly SheetRow[], context: OrgImportContext): { valid: OrgRow[]; problems: Problem[] } {
  const tree = new Map(context.orgs); // grown by each valid row, as its events leave the org
  const rowOf = new Map<string, number>(); // the row of each id in the file
  const failed = new Set<string>(); // ids whose row has problems
  return checkSheet(orgColumns, headers, rows, (line): OrgRow | undefined => {
    const { cell, problem } = line;
    const orgId = cell("机构编号");
    const own = ownIdIn(line, "机构编号", "org's id", rowOf);
    const name = nameIn(line, "名称", 100);
    const kind = orgKindIn(line, "类型");
    const parentId = cell("上级编号");
    if (parentId && !idPattern.test(parentId)) problem("上级编号", `上级编号只能包含${idRule}`, "The parent's id takes letters, digits and -_.: (1 to 120)");
    const served = idsIn(line, "服务社区", "社区编号");
    // An org of a row above that has problems: this row waits for that one to be fixed.
    const named: [string, string][] = [...(parentId ? [["上级编号", parentId] as [string, string]] : []), ...served.map((id): [string, string] => ["服务社区", id])];
    for (const [column, id] of named.filter(([, id]) => failed.has(id))) problem(column, `第 ${rowOf.get(id)} 行的 ${id} 有问题，请先改正该行`, `Row ${rowOf.get(id)} (${id}) has problems; fix it first`);
    const result = line.clean() && kind !== undefined ? decideRow(line, tree, { orgId, name, kind, parentId }, served) : undefined;
    if (result) for (const event of result.events) tree.set(orgId, organization.evolve(tree.get(orgId), event));
    else if (own) failed.add(own);
    return result;
  });
}

/** One row decided as the org commands decide: register (unless it exists exactly so), then what it serves. */
function decideRow(line: SheetLine, tree: ReadonlyMap<string, OrgState>, command: { orgId: string; name: string; kind: OrgKind; parentId: string }, served: string[]): OrgRow | undefined {
  const { orgId, name, kind, parentId } = command;
  const existing = tree.get(orgId);
  const parent = parentId ? tree.get(parentId) : undefined;
  if (parentId && !parent) {
    line.problem("上级编号", `上级组织 ${parentId} 不存在（本表中的上级须写在本行之前）`, `The parent ${parentId} does not exist (a parent in this sheet must come in an earlier row)`);
    return undefined;
  }
  const events: OrgEvent[] = [];
  let state = existing;
  let register: OrgRow["register"];
  if (!existing || existing.name !== name || existing.kind !== kind || existing.parentId !== parentId) {
    if (existing) {
      line.problem("机构编号", `机构 ${orgId} 已存在（${existing.name}，${orgKindName(existing.kind)}，上级 ${existing.parentId || "无"}），与本行不同`, `The org ${orgId} exists already, unlike this row`);
      return undefined;
    }
    register = { orgId, name, kind, parentId };
    const registered = organization.decide(undefined, { type: "register", ...register }, { parent });
    if (!registered.ok) return line.refused(registered.error, columnOf, "上级编号");
    events.push(...registered.value);
    for (const event of registered.value) state = organization.evolve(state, event);
  }
  let serves: string[] | undefined;
  if (served.length > 0) {
    const missing = served.filter((id) => !tree.has(id));
    if (missing.length > 0) {
      line.problem("服务社区", `社区 ${missing.join("、")} 不存在（本表中的社区须写在本行之前）`, `No community ${missing.join(", ")} (a community in this sheet must come in an earlier row)`);
      return undefined;
    }
    const communities = new Map(served.map((id) => [id, tree.get(id)!] as const));
    const serving = organization.decide(state, { type: "serve", communityIds: served }, { communities });
    if (!serving.ok) return line.refused(serving.error, columnOf, "服务社区");
    if (serving.value.length > 0) serves = served;
    events.push(...serving.value);
  }
  return { row: line.row, orgId, ...(register ? { register } : {}), ...(serves ? { serves } : {}), events };
}
