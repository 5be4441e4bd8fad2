// Issue 16's 科普基地 in a real browser: 福田科技馆's staff apply (the form checks the name and
// level before sending) for a district-level certification; the district association sees it in
// its review queue, rejects another application with a typed reason (none typed is refused) and
// approves this one (asked first: numbered, five years); the base sees its standing, number and
// term; the district assesses the year from the draft (有活动 / 有影响 pre-filled from the
// statistics, the other three typed with evidence), sees the result; the term is on the expiring
// list; revoking asks the reason and withdraws its menu items. Screenshots in test-artifacts/bases/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Format, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { testSigner, waitFor } from "@kepu/testkit";
import { JourneyPlatform, choose, told } from "./journey-platform";

let j: JourneyPlatform;

/** 深圳 → 福田区 → 园岭街道 → 红荔社区, and the demo team. */
beforeAll(async () => {
  j = await JourneyPlatform.start({ name: "basejourneys", shots: "test-artifacts/bases" });
}, 420_000);

afterAll(() => j?.stop());

const signedIn = (account: string) => j.signedIn(account);
const shot = (page: Page, name: string) => j.shot(page, name);
async function confirm(page: Page, question: string) {
  await page.locator(".el-message-box").filter({ hasText: question }).waitFor();
  await page.locator(".el-message-box .el-button--primary").click();
}
async function apply(page: Page, name: string) {
  await page.locator(".apply-form input[name=base-name]").fill(name);
  await choose(page, ".apply-form .apply-level", "区级科普基地");
  await page.locator(".apply-form textarea[name=base-offers]").fill("常设展厅、周末科普课堂");
  await page.locator(".do-apply").click();
  await told(page, `「${name}」的申请已提交`);
}

describe("issue 16 in the browser: 科普基地 from application to revocation", () => {
  it("the base applies; the district rejects one with a reason and certifies the other; the base sees its number and term", async () => {
    const base = await signedIn("base");
    await base.getByRole("link", { name: "科普基地" }).click();
    await base.locator(".bases-page h2").waitFor();
    await base.locator(".do-apply").click();
    await base.locator(".apply-form [role=alert]").filter({ hasText: "请填写基地名称" }).waitFor(); // checked before sending
    await apply(base, "福田科技馆");
    await apply(base, "福田旧展馆");
    await base.locator(".mine .el-table__row").filter({ hasText: "福田科技馆" }).filter({ hasText: "待审核" }).waitFor();
    await shot(base, "1-base-applied");

    const district = await signedIn("district");
    await district.goto(`${j.gateway.httpUrl}/staff/bases`);
    await district.locator(".queue .el-table__row").filter({ hasText: "福田旧展馆" }).waitFor();
    await shot(district, "2-review-queue");
    await district.locator(".queue .el-table__row").filter({ hasText: "福田旧展馆" }).locator(".do-reject").click();
    await district.locator(".reason-dialog .confirm-reason").click();
    await district.locator(".reason-dialog .el-form-item__error").waitFor(); // a reason is required
    await district.locator(".reason-dialog textarea[name=reason]").fill("展馆面积不足 500 平方米");
    await district.locator(".reason-dialog .confirm-reason").click();
    await told(district, "「福田旧展馆」的申请未通过");
    await district.locator(".queue .el-table__row").filter({ hasText: "福田科技馆" }).locator(".do-approve").click();
    await confirm(district, "期限 5 年");
    await told(district, "「福田科技馆」已认定，编号 区科普基地〔");

    await base.reload();
    const row = base.locator(".mine .el-table__row").filter({ hasText: "福田科技馆" }).filter({ hasText: "已认定" });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toMatch(/区科普基地〔\d{4}〕00\d.*\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/);
    await base.locator(".mine .el-table__row").filter({ hasText: "福田旧展馆" }).filter({ hasText: "展馆面积不足 500 平方米" }).waitFor();
    await shot(base, "3-base-certified-and-rejected");
  });

  it("the district assesses the year from the pre-filled draft; the term is on the expiring list; revoking asks the reason", async () => {
    const district = await signedIn("district");
    await district.goto(`${j.gateway.httpUrl}/staff/bases`);
    const row = district.locator(".bases .el-table__row").filter({ hasText: "福田科技馆" });
    await row.locator(".do-assess").click();
    await district.locator(".assess-dialog .draft .el-table__row").nth(4).waitFor();
    await district.locator(".assess-dialog").getByText("统计预填 0 分").first().waitFor(); // 有活动 / 有影响 from the statistics (none held yet)
    await district.locator(".do-submit-assessment").click();
    await district.locator(".draft-error").filter({ hasText: "请写明「有组织」的得分依据" }).waitFor(); // checked before sending
    const scores: [string, string, string][] = [
      ["organization", "90", "设专职科普管理员 2 名"],
      ["funding", "85", "年度科普经费 30 万元"],
      ["venue", "95", "常设展厅 2000 平方米"],
      ["activities", "70", "全年开展活动 8 场（含馆外）"],
      ["impact", "65", "参与 150 人次"],
    ];
    for (const [key, score, evidence] of scores) {
      await district.locator(`.assess-dialog .score-${key} input`).fill(score);
      await district.locator(`.assess-dialog .evidence-${key} input`).fill(evidence);
    }
    await shot(district, "4-assessment-draft");
    await district.locator(".do-submit-assessment").click();
    await told(district, "年度考核：合格（平均 81 分）");
    await row.filter({ hasText: "合格 81" }).waitFor();

    await district.locator(".within-days input").fill("3650");
    await district.locator(".within-days input").press("Enter");
    await district.locator(".expiring .el-table__row").filter({ hasText: "福田科技馆" }).waitFor();
    await shot(district, "5-bases-deadlines");

    // The base offers an item on the menu; revoking withdraws it.
    const client = createRpcClient(RegistryService, j.platform.address("registry"), { signer: testSigner() });
    const admin = { actor: { id: "admin", role: Role.ADMIN } };
    const baseId = (await client.listBases({ orgId: "" }, admin)).bases.find((b) => b.name === "福田科技馆")!.baseId;
    const item = { itemId: "menu-base-class", title: "科技馆周末课堂", theme: Theme.HEALTH, format: Format.HANDS_ON, durationMinutes: 90, capacity: 40, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.BASE, providerId: baseId };
    await client.publishMenuItem({ item }, admin);
    await row.locator(".do-revoke").click();
    await district.locator(".reason-dialog textarea[name=reason]").fill("年度考核弄虚作假");
    await district.locator(".reason-dialog .confirm-reason").click();
    await told(district, "「福田科技馆」已撤销认定，其菜单项随之下架");
    // Withdrawn right after, by the registry's reaction to BaseRevoked.
    await waitFor(async () => (await client.listMenuItems({ providerId: baseId, underOrgId: "" }, admin)).items.length === 0, { what: "the revoked base's item withdrawn", timeoutMs: 20_000 });
    client.close();
    await row.filter({ hasText: "已撤销" }).waitFor();
    await shot(district, "6-base-revoked");
  });
});
