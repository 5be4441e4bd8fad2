import ExcelJS from "exceljs";
import type { DemandSupply } from "./demand-supply.js";
import type { BreakdownRow } from "./figures.js";

export interface Column<Row> {
  key: keyof Row & string;
  header: string;
}

// Chinese headers first: the people who open these files report in Chinese.
export const breakdownColumns: Column<BreakdownRow>[] = [
  { key: "name", header: "分组 Group" },
  { key: "orders", header: "点单数 Orders" },
  { key: "delivered", header: "已完成 Delivered" },
  { key: "activities", header: "活动场次 Activities" },
  { key: "participants", header: "参与人次 Visits" },
  { key: "uniqueParticipants", header: "参与人数 People" },
  { key: "serviceHours", header: "志愿服务时长 Hours" },
  { key: "key", header: "编号 Code" },
];

export interface DemandSupplyLine {
  level: string;
  name: string;
  themeName: string;
  orders: number;
  openOrders: number;
  unmet: number;
  menuItems: number;
  activities: number;
  unservedCommunities: number;
  orgId: string;
}

export const demandSupplyColumns: Column<DemandSupplyLine>[] = [
  { key: "level", header: "层级 Level" },
  { key: "name", header: "地区 Place" },
  { key: "themeName", header: "主题 Theme" },
  { key: "orders", header: "点单数 Orders" },
  { key: "openOrders", header: "未完成 Open" },
  { key: "unmet", header: "超期未满足 Unmet" },
  { key: "menuItems", header: "可点菜单项 Menu items" },
  { key: "activities", header: "活动场次 Activities" },
  { key: "unservedCommunities", header: "无供给社区 Unserved communities" },
  { key: "orgId", header: "编号 Code" },
];

/** Districts, then streets, then communities: one line per place and theme. */
export function demandSupplyLines(table: DemandSupply): DemandSupplyLine[] {
  const lines = (level: string, rows: DemandSupply["communities"]) => rows.map(({ name, themeName, orders, openOrders, unmet, menuItems, activities, unservedCommunities, orgId }) => ({ level, name, themeName, orders, openOrders, unmet, menuItems, activities, unservedCommunities, orgId }));
  return [...lines("区 District", table.districts), ...lines("街道 Street", table.streets), ...lines("社区 Community", table.communities)];
}

const csvCell = (value: unknown) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** CSV with a UTF-8 byte-order mark, so Excel and WPS read the Chinese right. */
export function toCsv<Row>(columns: Column<Row>[], rows: Row[]): Buffer {
  const lines = [columns.map((c) => csvCell(c.header)).join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c.key])).join(","))];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join("\r\n") + "\r\n", "utf8")]);
}

export async function toXlsx<Row>(columns: Column<Row>[], rows: Row[], sheetName: string): Promise<Buffer> {
  return toXlsxSheets([{ name: sheetName, columns: columns as unknown as Column<never>[], rows: rows as object[] }]);
}

/** A workbook of several sheets (the annual return's 分地区 / 分主题 / 分对象), each with its bold header row. */
export async function toXlsxSheets(sheets: { name: string; columns: Column<never>[]; rows: object[] }[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Kepu 科普";
  for (const { name, columns, rows } of sheets) {
    const sheet = workbook.addWorksheet(name);
    sheet.columns = columns.map((c, i) => ({ header: c.header, key: c.key, width: i === 0 ? 28 : 16 }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
