import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { listScope } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import type { CampaignRollupSchema, ExportFormat, StatsService } from "@kepu/contracts/stats/v1/service_pb";
import { kepuError } from "@kepu/errors";
import type { ServiceImplementation } from "@kepu/rpc";
import { campaignRollup, rollupColumns, rollupLines, type CampaignActivityFact, type CampaignRollup, type RollupLine } from "../domain/campaign-rollup.js";
import type { Column } from "../domain/export.js";
import type { FactStore } from "../store/fact-store.js";

type RollupMethods = Pick<ServiceImplementation<typeof StatsService>, "getCampaignRollup" | "exportCampaignRollup">;
type ExportFile = (format: ExportFormat, name: string, sheet: string, columns: Column<RollupLine>[], rows: RollupLine[]) => Promise<{ filename: string; contentType: string; content: Buffer }>;

/**
 * A campaign's activities within the reader's reach (figures.read: her subtree; admins all), with
 * who checked in at each, and every org's name. Read whole and matched in code (FerretDB scans anyway).
 */
async function campaignFacts(store: FactStore, campaignId: string, actor: Actor | undefined): Promise<{ activities: CampaignActivityFact[]; orgNames: Map<string, string> }> {
  const scope = listScope("figures.read", actor);
  const filter = { campaignId, ...(scope.all ? {} : { path: actor!.orgId }) };
  const [docs, checkIns, orgs] = await Promise.all([
    store.facts.activities.find(filter).toArray(),
    store.checkIns.find({}, { projection: { activityId: 1, residentId: 1 } }).toArray(),
    store.facts.orgs.find({}, { projection: { name: 1 } }).toArray(),
  ]);
  const residents = new Map<string, string[]>(docs.map((d) => [String(d._id), []]));
  for (const c of checkIns) residents.get(c.activityId)?.push(c.residentId);
  const activities = docs.map(
    (d): CampaignActivityFact => ({
      activityId: String(d._id),
      title: String(d.title ?? ""),
      organizerOrgId: String(d.organizerOrgId ?? ""),
      campaignId: String(d.campaignId ?? ""),
      campaignLevel: Number(d.campaignLevel ?? 0),
      theme: Number(d.theme ?? 0),
      audience: Number(d.audience ?? 0),
      format: Number(d.format ?? 0),
      path: (d.path as string[] | undefined) ?? [],
      districtId: String(d.districtId ?? ""),
      streetId: String(d.streetId ?? ""),
      communityId: String(d.communityId ?? ""),
      sessions: Number(d.sessions ?? 0),
      status: String(d.status ?? ""),
      participants: Number(d.participants ?? 0),
      residents: residents.get(String(d._id))!,
      hours: Number(d.hours ?? 0),
      serviceHours: Number(d.serviceHours ?? 0),
      summaryFiled: d.summaryFiled === true,
      summaryLate: d.summaryLate === true,
      ...(d.summaryFiledAt ? { summaryFiledAt: d.summaryFiledAt as Date } : {}),
    }),
  );
  return { activities, orgNames: new Map(orgs.map((o) => [String(o._id), String(o.name ?? o._id)])) };
}

const rollupMessage = (r: CampaignRollup): MessageInitShape<typeof CampaignRollupSchema> => ({
  ...r,
  lateFilers: r.lateFilers.map(({ filedAt, ...f }) => ({ ...f, ...(filedAt ? { filedAt: timestampFromDate(filedAt) } : {}) })),
});

/** The campaign roll-up over gRPC, and its export (csv or xlsx, through the stats service's files). */
export function campaignRollupService(store: FactStore, exportFile: ExportFile): RollupMethods {
  const rollupOf = async (campaignId: string, actor: Actor | undefined) => {
    const id = campaignId.trim();
    if (!id || id.length > 80) throw kepuError("invalid", "CAMPAIGN_REQUIRED", "请选择活动节点", "Choose a campaign", "campaignId");
    const { activities, orgNames } = await campaignFacts(store, id, actor);
    return campaignRollup(id, activities, orgNames);
  };
  return {
    async getCampaignRollup(request, context) {
      return { rollup: rollupMessage(await rollupOf(request.campaignId, context.actor)) };
    },
    async exportCampaignRollup(request, context) {
      const rollup = await rollupOf(request.campaignId, context.actor);
      const name = request.campaignName.slice(0, 100) || rollup.campaignId;
      return exportFile(request.format, `kepu-campaign-${rollup.campaignId}`, "活动节点汇总", rollupColumns, rollupLines(rollup, name));
    },
  };
}
