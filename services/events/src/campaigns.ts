// The use cases of campaigns (活动节点) as data: created and edited by the city or a district
// association (campaign.change over the owner's place), read by everyone signed in; the
// recurring ones seeded per year. Registration (报备) is the activity's: Activities.registerToCampaign.
import { v7 as uuidv7 } from "uuid";
import { requireAccess } from "@kepu/access";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError, type Result } from "@kepu/errors";
import { campaignErrors, recurringCampaigns, validateCampaign, type CampaignInput, type CampaignRecord } from "./domain/campaign.js";
import type { CampaignStore } from "./store/campaign-store.js";

const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

export interface Owner {
  orgId: string;
  /** The owner and its ancestors in the org tree. */
  path: string[];
}

export class Campaigns {
  constructor(private readonly store: CampaignStore) {}

  async create(input: CampaignInput, owner: Owner, actor: Actor | undefined): Promise<CampaignRecord> {
    requireAccess("campaign.change", actor, { path: owner.path });
    const valid = must(validateCampaign(input));
    const record: CampaignRecord = { ...valid, campaignId: `cmp-${uuidv7()}`, ownerOrgId: owner.orgId, ownerPath: owner.path, recurring: "", version: 1 };
    await this.store.create(record);
    return record;
  }

  /** Edits a campaign; the owner stays. Activities already registered keep their level; summaries already filed keep their flag. */
  async update(campaignId: string, input: CampaignInput, actor: Actor | undefined): Promise<CampaignRecord> {
    const before = await this.get(campaignId, actor);
    requireAccess("campaign.change", actor, { path: before.ownerPath });
    const valid = must(validateCampaign(input));
    const after: CampaignRecord = { ...before, ...valid, version: before.version + 1 };
    if (!(await this.store.update(before, after))) throw kepuError("conflict", "CAMPAIGN_CHANGED", "活动节点刚被他人修改，请刷新后重试", "Someone else just changed this campaign; reload and try again");
    return after;
  }

  async get(campaignId: string, actor: Actor | undefined): Promise<CampaignRecord> {
    requireAccess("campaign.read", actor, {});
    const record = await this.store.load(campaignId);
    if (!record) throw campaignErrors.notFound(campaignId);
    return record;
  }

  /** Every campaign, or those whose window touches a calendar year. */
  async list(year: number, actor: Actor | undefined): Promise<CampaignRecord[]> {
    requireAccess("campaign.read", actor, {});
    const all = await this.store.list();
    if (!year) return all;
    const y = String(year);
    return all.filter((c) => c.firstDay.slice(0, 4) <= y && c.lastDay.slice(0, 4) >= y);
  }

  /** The recurring campaigns of each year from `firstYear` to `lastYear`, owned by the city; an existing (perhaps edited) one is kept. */
  seedRecurring(firstYear: number, lastYear: number, city: Owner): Promise<number> {
    const records: CampaignRecord[] = [];
    for (let year = firstYear; year <= lastYear; year++) records.push(...recurringCampaigns(year, city.orgId, city.path));
    return this.store.seed(records);
  }
}
