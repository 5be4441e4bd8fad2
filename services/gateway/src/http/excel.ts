// exceljs, loaded on the first Excel request (an import template, an import, a credits export):
// a gateway at rest never needs it, and loading it at start kept its objects in every gateway's
// memory (issue 20: each service ≤ 150 MB at rest).
import type ExcelJS from "exceljs";

let loaded: Promise<typeof ExcelJS> | undefined;

export function excel(): Promise<typeof ExcelJS> {
  loaded ??= import("exceljs").then((module) => module.default);
  return loaded;
}
