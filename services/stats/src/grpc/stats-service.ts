import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { StatsService} from "@kepu/contracts/stats/v1/service_pb";
import { Dimension as DimensionPb, ExportFormat, type FiguresSchema, type Slice as SlicePb } from "@kepu/contracts/stats/v1/service_pb";
import type { Period } from "@kepu/calendar";
import { can, isPrivileged, listScope } from "@kepu/access";
import { calendar } from "@kepu/calendar";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import type { ServiceImplementation } from "@kepu/rpc";
import { annualReturn, annualReturnColumns, annualReturnSheets } from "../domain/annual-return.js";
import { DEFAULT_OPEN_DAYS, demandSupply } from "../domain/demand-supply.js";
import { breakdownColumns, demandSupplyColumns, demandSupplyLines, toCsv, toXlsx, toXlsxSheets, type Column } from "../domain/export.js";
import { breakdown, computeFigures, type Dimension, type Figures } from "../domain/figures.js";
import { resolveSlice, type Slice } from "../domain/slice.js";
import { label, themeName } from "../domain/labels.js";
import { planProgress } from "../domain/plan-progress.js";
import type { Projector } from "../messaging/projector.js";
import { campaignRollupService } from "./campaign-rollup-service.js";
import type { FactStore } from "../store/fact-store.js";

const dimensions: Record<number, Dimension> = {
  [DimensionPb.DISTRICT]: "district",
  [DimensionPb.STREET]: "street",
  [DimensionPb.COMMUNITY]: "community",
  [DimensionPb.THEME]: "theme",
  [DimensionPb.AUDIENCE]: "audience",
  [DimensionPb.FORMAT]: "format",
  [DimensionPb.CAMPAIGN]: "campaign",
};
const periods: Record<number, Period> = { 1: "day", 2: "week", 3: "month", 4: "year" };

/** The slice asked for, its Beijing period and dates resolved to instants (domain/slice.ts); a bad date is refused. */
function sliceOf(slice: SlicePb | undefined): Slice {
  const resolved = resolveSlice({
    orgId: slice?.orgId ?? "",
    theme: slice?.theme ?? 0,
    audience: slice?.audience ?? 0,
    format: slice?.format ?? 0,
    campaignId: slice?.campaignId ?? "",
    ...(slice?.from ? { from: timestampDate(slice.from) } : {}),
    ...(slice?.to ? { to: timestampDate(slice.to) } : {}),
    ...(slice?.period && periods[slice.period] ? { period: periods[slice.period] } : {}),
    ...(slice?.date ? { date: slice.date } : {}),
    ...(slice?.fromDate ? { fromDate: slice.fromDate } : {}),
    ...(slice?.toDate ? { toDate: slice.toDate } : {}),
  });
  if (!resolved.ok) throw resolved.error;
  return resolved.value;
}

const toMessage = (f: Figures): MessageInitShape<typeof FiguresSchema> => ({ ...f, computedAt: timestampFromDate(new Date()) });

async function exportFile<Row>(format: ExportFormat, name: string, sheet: string, columns: Column<Row>[], rows: Row[]) {
  if (format === ExportFormat.XLSX) {
    return { filename: `${name}.xlsx`, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", content: await toXlsx(columns, rows, sheet) };
  }
  return { filename: `${name}.csv`, contentType: "text/csv; charset=utf-8", content: toCsv(columns, rows) };
}

export interface Rebuilder {
  rebuild(onProgress: (applied: number, total: number) => void, signal: AbortSignal): Promise<void>;
  rebuilding: boolean;
}

export function statsService(store: FactStore, projector: Projector, rebuilder: Rebuilder): ServiceImplementation<typeof StatsService> {
  /**
   * The org a reader asks figures for, within her reach (@kepu/access): her own subtree when she
   * names none; one outside it is not found. Admins see everything.
   */
  const scopedOrg = async (orgId: string, actor: Actor | undefined): Promise<string> => {
    const scope = listScope("figures.read", actor);
    if (scope.all) return orgId;
    if (!orgId) return actor!.orgId;
    if (!can("figures.read", actor, { path: await store.orgPath(orgId) })) throw kepuError("not_found", "ORG_NOT_FOUND", `组织不存在：${orgId}`, `Organization does not exist: ${orgId}`, "orgId");
    return orgId;
  };
  const scopedSlice = async (slice: SlicePb | undefined, actor: Actor | undefined): Promise<Slice> => {
    const wanted = sliceOf(slice);
    return { ...wanted, orgId: await scopedOrg(wanted.orgId, actor) };
  };
  const operatorsOnly = (actor: Actor | undefined) => {
    if (!isPrivileged(actor)) throw kepuError("forbidden", "ROLE_NOT_ALLOWED", "只有管理员可以重建统计", "Only an admin can rebuild the figures");
  };
  const figures = async (slice: Slice) => computeFigures(await store.load(slice), slice, themeName);
  const rows = async (dimension: number, period: number, slice: Slice) => {
    const d = dimension === DimensionPb.PERIOD ? periods[period] : dimensions[dimension];
    if (!d) throw kepuError("invalid", "BAD_DIMENSION", "请选择统计维度", "Choose a dimension", "dimension");
    return breakdown(await store.load(slice), slice, d, label);
  };
  const demand = async (slice: Slice, openDays: number) => {
    if (!Number.isInteger(openDays) || openDays < 0 || openDays > 3650) throw kepuError("invalid", "BAD_OPEN_DAYS", "超期天数须为 0 到 3650 的整数", "openDays must be a whole number from 0 to 3650", "openDays");
    return demandSupply(await store.load(slice), slice, { openDays: openDays || DEFAULT_OPEN_DAYS, now: new Date(), themeName });
  };

  return {
    ...campaignRollupService(store, exportFile), // a campaign's roll-up and its export
    async getFigures(request, context) {
      return { figures: toMessage(await figures(await scopedSlice(request.slice, context.actor))) };
    },
    async getBreakdown(request, context) {
      return { rows: await rows(request.dimension, request.period, await scopedSlice(request.slice, context.actor)) };
    },
    async *watchFigures(request, context) {
      const slice = await scopedSlice(request.slice, context.actor);
      yield { figures: toMessage(await figures(slice)) };
      // Debounced: a burst of events gives one push, within about 300 ms of the last change.
      while (!context.signal.aborted) {
        await new Promise<void>((resolve) => {
          const onChange = () => {
            projector.changes.off("changed", onChange);
            setTimeout(resolve, 300);
          };
          projector.changes.on("changed", onChange);
          context.signal.addEventListener("abort", () => {
            projector.changes.off("changed", onChange);
            resolve();
          });
        });
        if (!context.signal.aborted) yield { figures: toMessage(await figures(slice)) };
      }
    },
    async exportFigures(request, context) {
      const table = await rows(request.dimension || DimensionPb.DISTRICT, request.period, await scopedSlice(request.slice, context.actor));
      return exportFile(request.format, `kepu-figures-${calendar.dayKey(new Date())}`, "科普统计", breakdownColumns, table);
    },
    async getDemandSupply(request, context) {
      return { ...(await demand(await scopedSlice(request.slice, context.actor), request.openDays)), computedAt: timestampFromDate(new Date()) };
    },
    async exportDemandSupply(request, context) {
      const table = await demand(await scopedSlice(request.slice, context.actor), request.openDays);
      return exportFile(request.format, `kepu-demand-supply-${calendar.dayKey(new Date())}`, "需求与供给", demandSupplyColumns, demandSupplyLines(table));
    },
    async exportAnnualReturn(request, context) {
      const year = request.year;
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw kepuError("invalid", "BAD_YEAR", "请填写年份，例如 2026", "Give a year, e.g. 2026", "year");
      const orgId = await scopedOrg(request.orgId, context.actor);
      const facts = await store.loadAnnualReturn(orgId);
      const name = `kepu-annual-return-${orgId || "all"}-${year}`;
      // xlsx: the 科普统计 workbook (分地区, 分主题, 分对象); csv: the district table.
      if (request.format === ExportFormat.XLSX) return { filename: `${name}.xlsx`, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", content: await toXlsxSheets(annualReturnSheets(facts, year)) };
      return exportFile(request.format, name, `${year}年科普统计`, annualReturnColumns, annualReturn(facts, year));
    },
    async *rebuild(_request, context) {
      operatorsOnly(context.actor);
      if (rebuilder.rebuilding) throw kepuError("conflict", "REBUILDING", "正在重建统计，请稍后", "A rebuild is already running");
      const progress: { applied: number; total: number }[] = [];
      let done = false;
      let failure: unknown;
      void rebuilder
        .rebuild((applied, total) => progress.push({ applied, total }), context.signal)
        .catch((error: unknown) => (failure = error))
        .finally(() => (done = true));
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const last = progress.at(-1);
        if (last) yield { eventsApplied: BigInt(last.applied), eventsTotal: BigInt(last.total), done: false };
      }
      if (failure) throw failure;
      const last = progress.at(-1) ?? { applied: 0, total: 0 };
      yield { eventsApplied: BigInt(last.applied), eventsTotal: BigInt(last.total), done: true };
    },
    async getProjectionStatus(_request, context) {
      operatorsOnly(context.actor);
      const c = projector.counters;
      return { eventsApplied: BigInt(c.handled), eventsSkipped: BigInt(c.skipped), deadLettered: BigInt(c.deadLettered), rebuilding: rebuilder.rebuilding, generation: await store.generation() };
    },
    async getPlanProgress(request, context) {
      const year = request.year;
      if (!Number.isInteger(year) || year < 2000 || year > 2100) throw kepuError("invalid", "BAD_YEAR", "请填写年份，例如 2026", "Give a year, e.g. 2026", "year");
      const orgId = await scopedOrg(request.orgId, context.actor);
      const facts = await store.load({ orgId, theme: 0, audience: 0, format: 0, campaignId: "" });
      return { rows: planProgress(facts.activities, orgId, year) };
    },
  };
}
