import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import type { CampaignInput as CampaignInputPb, CampaignSchema, EventsService } from "@kepu/contracts/events/v1/service_pb";
import { kepuError } from "@kepu/errors";
import { requireId } from "@kepu/input";
import type { ServiceImplementation } from "@kepu/rpc";
import type { Campaigns } from "../campaigns.js";
import type { CampaignInput, CampaignRecord } from "../domain/campaign.js";

type CampaignMethods = Pick<ServiceImplementation<typeof EventsService>, "createCampaign" | "updateCampaign" | "getCampaign" | "listCampaigns">;

export const campaignMessage = ({ version, ...c }: CampaignRecord): MessageInitShape<typeof CampaignSchema> => ({ ...c, version: BigInt(version) });

function inputOf(input: CampaignInputPb | undefined): CampaignInput {
  if (!input) throw kepuError("invalid", "CAMPAIGN_REQUIRED", "请填写活动节点", "The campaign is required", "campaign");
  const text = (value: string) => value.trim().slice(0, 100);
  return {
    name: text(input.name),
    firstDay: text(input.firstDay),
    lastDay: text(input.lastDay),
    themes: input.themes.slice(0, 20),
    registrationOpens: text(input.registrationOpens),
    registrationCloses: text(input.registrationCloses),
    summaryDue: text(input.summaryDue),
    levels: input.levels.slice(0, 10),
  };
}

/** The owner a new campaign gets: the one named (the gateway gives its place), or the caller's own org. */
function ownerOf(input: CampaignInputPb | undefined, actor: Actor | undefined) {
  const orgId = input?.ownerOrgId ? requireId(input.ownerOrgId, "ownerOrgId") : (actor?.orgId ?? "");
  const path = input?.ownerPath.length ? input.ownerPath.slice(0, 10) : [orgId];
  return { orgId, path: path.includes(orgId) ? path : [...path, orgId] };
}

/** Campaigns (活动节点) over gRPC. */
export function campaignService(campaigns: Campaigns): CampaignMethods {
  return {
    async createCampaign(request, context) {
      return { campaign: campaignMessage(await campaigns.create(inputOf(request.campaign), ownerOf(request.campaign, context.actor), context.actor)) };
    },
    async updateCampaign(request, context) {
      return { campaign: campaignMessage(await campaigns.update(requireId(request.campaignId, "campaignId"), inputOf(request.campaign), context.actor)) };
    },
    async getCampaign(request, context) {
      return { campaign: campaignMessage(await campaigns.get(requireId(request.campaignId, "campaignId"), context.actor)) };
    },
    async listCampaigns(request, context) {
      return { campaigns: (await campaigns.list(request.year, context.actor)).map(campaignMessage) };
    },
  };
}
