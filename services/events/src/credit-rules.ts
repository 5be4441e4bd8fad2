// 科普教育学分 credit rules as data: the city association sets the city's, a district association
// its district's (creditRule.change over the owner's place); a rule for a campaign also needs
// campaign.change over the campaign's owner. Each change replaces the owner's whole set, with a
// CreditRulesChanged event through the outbox. A check-in reads the sets of the owners on the
// activity's path; the built-in default applies where none fits.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { newEvent } from "@kepu/bus";
import { requireAccess } from "@kepu/access";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import type { Actor } from "@kepu/contracts/common/v1/envelope_pb";
import { CreditRuleSchema, CreditRulesChangedSchema } from "@kepu/contracts/events/v1/events_pb";
import { kepuError, type Result } from "@kepu/errors";
import type { OutboxRelay } from "@kepu/outbox";
import type { Cause } from "./activities.js";
import { applicableRules, validateCreditRules, type CreditRule, type CreditRuleSet } from "./domain/credits.js";
import type { CampaignStore } from "./store/campaign-store.js";
import type { CreditRuleStore } from "./store/credit-rule-store.js";

const must = <T>(result: Result<T>): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

const enumValues = (e: Record<string, string | number>) => new Set(Object.values(e).filter((v): v is number => typeof v === "number" && v > 0));
const themes = enumValues(Theme);
const formats = enumValues(Format);
/** Who may own a rule set: the city, a district, or an association (科协) of the tree. */
const ownerKinds: ReadonlySet<OrgKind> = new Set([OrgKind.CITY, OrgKind.DISTRICT, OrgKind.ASSOCIATION]);

export interface CreditRulesInput {
  ownerOrgId: string;
  ownerPath: string[];
  ownerKind: OrgKind;
  rules: CreditRule[];
  expectedVersion: number;
}

export class CreditRules {
  constructor(
    private readonly store: CreditRuleStore,
    private readonly campaigns: CampaignStore,
    private readonly relay: OutboxRelay,
    private readonly clock: () => Date,
  ) {}

  async list(actor: Actor | undefined): Promise<CreditRuleSet[]> {
    requireAccess("creditRule.read", actor, {});
    return this.store.list();
  }

  /** Replaces the owner's set as a whole (add, edit, remove are each a new whole set). */
  async set(input: CreditRulesInput, actor: Actor | undefined, cause: Cause): Promise<CreditRuleSet> {
    const ownerPath = input.ownerPath.includes(input.ownerOrgId) ? input.ownerPath : [...input.ownerPath, input.ownerOrgId];
    requireAccess("creditRule.change", actor, { path: ownerPath });
    if (!ownerKinds.has(input.ownerKind)) throw kepuError("invalid", "CREDIT_RULE_OWNER", "学分规则由市或区科协设置", "Credit rules are set by the city or a district association", "ownerOrgId");
    const campaignIds = [...new Set(input.rules.map((r) => r.campaignId).filter(Boolean))];
    const found = (await Promise.all(campaignIds.map((id) => this.campaigns.load(id)))).filter((c) => c !== undefined);
    const rules = must(validateCreditRules(input.rules, { campaignIds: new Set(found.map((c) => c.campaignId)), themes, formats }));
    const before = await this.store.load(input.ownerOrgId);
    // A campaign's rule is its owner's to set: a rule for a campaign not there before needs campaign.change over the campaign's owner.
    const had = new Set(before?.rules.map((r) => r.campaignId) ?? []);
    for (const campaign of found) if (!had.has(campaign.campaignId)) requireAccess("campaign.change", actor, { path: campaign.ownerPath });
    if ((before?.version ?? 0) !== input.expectedVersion) throw changed();
    const set: CreditRuleSet = { ownerOrgId: input.ownerOrgId, ownerPath, rules, version: input.expectedVersion + 1, changedBy: actor?.id ?? "", changedAt: this.clock() };
    const payload = { ownerOrgId: set.ownerOrgId, ownerPath, rules: rules.map((r) => create(CreditRuleSchema, r)), changedBy: set.changedBy, changedAt: timestampFromDate(set.changedAt), version: set.version };
    const event = newEvent(CreditRulesChangedSchema, payload, { source: "events", aggregateId: set.ownerOrgId, aggregateVersion: set.version, actor, occurredAt: set.changedAt, ...cause });
    if ((await this.store.save(set, input.expectedVersion, [event])) === "conflict") throw changed();
    this.relay.kick(this.store.sets, set.ownerOrgId);
    return set;
  }

  /** The rules for an activity placed at `path`, most specific owner first, the default last. */
  async forPlace(path: readonly string[]): Promise<readonly CreditRule[]> {
    return applicableRules(await this.store.onPath(path), path);
  }
}

const changed = () => kepuError("conflict", "CREDIT_RULES_CHANGED", "学分规则刚被他人修改，请刷新后重试", "Someone else just changed these credit rules; reload and try again");
