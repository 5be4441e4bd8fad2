import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "@kepu/bus";
import { Audience, Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BaseLevel, BaseStatus, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";

/** Event types by distinct event id: delivery is at least once, so a crash may repeat an event. */
function distinctTypes(messages: { value: Buffer }[]): string[] {
  return [...new Map(messages.map((m) => decodeEnvelope(m.value)).map((e) => [e.eventId, e.type.replace("kepu.registry.v1.", "")])).values()];
}

const engines = new TestEngines(uniquePrefix("registry"));
let service: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof RegistryService>>;
const admin = { id: "admin", role: Role.ADMIN };
const districtStaff = { id: "kx-1", role: Role.DISTRICT_STAFF, orgId: "sz-futian" };
const cityStaff = { id: "kx-city", role: Role.CITY_STAFF, orgId: "sz" };
const futianLeader = { id: "leader-1", role: Role.TEAM_LEADER, orgId: "team-futian" };

beforeAll(async () => {
  await engines.createTopics([engines.topic("registry")]);
  service = await ServiceProcess.start("registry", engines.serviceEnv());
  client = createRpcClient(RegistryService, service.grpcAddress, { signer: testSigner() });
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  await engines.cleanup();
});

describe("the registry", () => {
  it("builds the org tree, teams, bases and the menu, and answers scoped queries — across a restart", async () => {
    const org = (orgId: string, name: string, kind: OrgKind, parentId = "") => client.registerOrganization({ orgId, name, kind, parentId }, { actor: admin });
    await org("sz", "深圳市", OrgKind.CITY);
    await org("sz-futian", "福田区", OrgKind.DISTRICT, "sz");
    await org("sz-nanshan", "南山区", OrgKind.DISTRICT, "sz");
    await org("sz-futian-yuanling", "园岭街道", OrgKind.STREET, "sz-futian");
    const { organization } = await org("sz-futian-yuanling-hongli", "红荔社区", OrgKind.COMMUNITY, "sz-futian-yuanling");
    expect(organization?.place?.path).toEqual(["sz", "sz-futian", "sz-futian-yuanling", "sz-futian-yuanling-hongli"]);
    await org("sz-nanshan-yuehai", "粤海街道", OrgKind.STREET, "sz-nanshan");
    await org("sz-nanshan-yuehai-keji", "科技园社区", OrgKind.COMMUNITY, "sz-nanshan-yuehai");

    await service.kill(); // the registry crashes mid-way
    await service.launch();

    await client.registerTeam({ teamId: "team-futian", name: "福田区科技志愿服务队", orgId: "sz-futian", themes: [Theme.DIGITAL_LITERACY, Theme.HEALTH], serviceAreaOrgIds: ["sz-futian"], leaderId: "leader-1" }, { actor: districtStaff });
    await client.registerTeam({ teamId: "team-nanshan", name: "南山区 AI 科普队", orgId: "sz-nanshan", themes: [Theme.DIGITAL_LITERACY], serviceAreaOrgIds: ["sz-nanshan"] }, { actor: admin });
    const volunteer = await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-1", realName: "张三", phone: "13812345678", skills: [Theme.HEALTH] }, { actor: districtStaff });
    expect(volunteer.volunteer?.phone).toBe("138****5678");
    expect((await client.getTeam({ teamId: "team-futian" }, { actor: districtStaff })).team?.volunteers[0]?.phone).toBe("138****5678");
    expect((await client.getTeam({ teamId: "team-futian" }, { actor: { id: "leader-1", role: Role.TEAM_LEADER, orgId: "team-futian" } })).team?.volunteers[0]?.phone).toBe("13812345678");

    const base = await client.certifyBase({ baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, termYears: 3 }, { actor: districtStaff });
    expect(base.base?.status).toBeTruthy();
    const assessed = await client.assessBase({ baseId: "base-kjg", year: 2026, hasOrganization: true, hasFunding: true, hasVenue: true, hasActivities: true, hasImpact: false }, { actor: districtStaff });
    expect(assessed.base?.assessments).toEqual({ 2026: false });

    await client.publishMenuItem(
      { item: { itemId: "menu-phone", title: "老年人智能手机课", theme: Theme.DIGITAL_LITERACY, format: Format.HANDS_ON, audiences: [Audience.ELDERLY], durationMinutes: 90, capacity: 40, leadTimeDays: 7, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } },
      { actor: futianLeader }, // the providing team publishes its own item
    );
    const futianMenu = await client.listMenuForCommunity({ communityId: "sz-futian-yuanling-hongli" }, { actor: admin });
    expect(futianMenu.items.map((i) => i.itemId)).toEqual(["menu-phone"]);
    expect((await client.listMenuForCommunity({ communityId: "sz-nanshan-yuehai-keji" }, { actor: admin })).items).toEqual([]);
    expect((await client.listMenuForCommunity({ communityId: "sz-futian-yuanling-hongli", audience: Audience.YOUTH }, { actor: admin })).items).toEqual([]);

    const eligible = await client.listEligibleTeams({ itemId: "menu-phone" }, { actor: admin });
    expect(eligible.teams.map((t) => t.teamId)).toEqual(["team-futian"]);
    expect((await client.listSubtree({ orgId: "sz-futian", kind: OrgKind.COMMUNITY }, { actor: admin })).organizations.map((o) => o.orgId)).toEqual(["sz-futian-yuanling-hongli"]);
    expect((await client.listTeams({ orgId: "sz-nanshan" }, { actor: admin })).teams.map((t) => t.teamId)).toEqual(["team-nanshan"]);

    // At least once: the crash may repeat an event, so read until 13 distinct ones and count those.
    const published = await engines.readTopic(engines.topic("registry"), (m) => distinctTypes(m).length >= 13);
    const types = distinctTypes(published);
    expect(types.filter((t) => t === "OrganizationRegistered")).toHaveLength(7);
    expect(types).toEqual(expect.arrayContaining(["TeamRegistered", "VolunteerJoinedTeam", "BaseCertified", "BaseAssessed", "MenuItemPublished"]));
    expect(published.map((m) => m.value.toString("latin1")).join("")).not.toContain("13812345678");
  });

  it("refuses bad input and foreign subtrees with bilingual errors, changing nothing", async () => {
    const wrongParent = await client.registerOrganization({ orgId: "x-1", name: "错挂社区", kind: OrgKind.COMMUNITY, parentId: "sz-futian" }, { actor: admin }).catch((e: unknown) => e);
    expect(wrongParent).toMatchObject({ code: "WRONG_PARENT_KIND", field: "parentId" });
    const foreign = await client.registerTeam({ teamId: "team-x", name: "越权队伍", orgId: "sz-nanshan", themes: [] }, { actor: districtStaff }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: "OUTSIDE_YOUR_SCOPE", zh: "不在您的管辖范围内" });
    const badPhone = await client.addVolunteer({ teamId: "team-futian", volunteerId: "vol-2", realName: "李四", phone: "12345" }, { actor: districtStaff }).catch((e: unknown) => e);
    expect(badPhone).toMatchObject({ code: "BAD_PHONE", field: "phone" });
    const child = { teamId: "team-nanshan", volunteerId: "vol-child", realName: "王小明", phone: "13900001111", birthDate: timestampFromDate(new Date("2016-03-10")) };
    const noConsent = await client.addVolunteer(child, { actor: admin }).catch((e: unknown) => e);
    expect(noConsent).toMatchObject({ code: "GUARDIAN_CONSENT_REQUIRED", field: "guardianConsent" });
    const consent = { guardianName: "王芳", guardianPhone: "13812345678", relationship: "母亲", consentedAt: timestampFromDate(new Date()) };
    const joined = await client.addVolunteer({ ...child, guardianConsent: consent }, { actor: admin });
    expect(joined.volunteer).toMatchObject({ minor: true, guardianConsent: { guardianPhone: "138****5678", relationship: "母亲" } });
    // Futian's district association does not see Nanshan's team at all; the city above both sees it, masked.
    const foreignTeam = await client.getTeam({ teamId: "team-nanshan" }, { actor: districtStaff }).catch((e: unknown) => e);
    expect(foreignTeam).toMatchObject({ code: "TEAM_NOT_FOUND" });
    const seen = (await client.getTeam({ teamId: "team-nanshan" }, { actor: cityStaff })).team?.volunteers.find((v) => v.volunteerId === "vol-child");
    expect(seen).toMatchObject({ realName: "王**", guardianConsent: { guardianName: "王*", guardianPhone: "138****5678" } });
    expect((await client.getTeam({ teamId: "team-nanshan" }, { actor: admin })).team?.volunteers[0]?.guardianConsent?.guardianPhone).toBe("13812345678");
    const twice = await client.registerOrganization({ orgId: "sz", name: "深圳市", kind: OrgKind.CITY }, { actor: admin }).catch((e: unknown) => e);
    expect(twice).toMatchObject({ code: "ALREADY_EXISTS" });
    expect((await client.getOrganization({ orgId: "x-1" }, { actor: admin }).catch((e: unknown) => e))).toMatchObject({ code: "ORG_NOT_FOUND" });
  });

  it("edits teams, bases and the menu; eligible teams by theme and community; bad requests change nothing; a restart loses nothing", async () => {
    const subtreeBefore = (await client.listSubtree({ orgId: "sz" }, { actor: admin })).organizations.length;
    const noKind = await client.registerOrganization({ orgId: "sz-futian-x", name: "无类型", kind: OrgKind.UNSPECIFIED, parentId: "sz-futian" }, { actor: admin }).catch((e: unknown) => e);
    expect(noKind).toMatchObject({ code: "BAD_CHOICE", field: "kind", zh: "请选择组织类型", en: "Choose the kind of organization" });
    const noProvider = await client
      .publishMenuItem({ item: { itemId: "menu-ghost", title: "无人提供", theme: Theme.HEALTH, format: Format.EXPERT_TALK, durationMinutes: 60, capacity: 30, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-ghost" } }, { actor: admin })
      .catch((e: unknown) => e);
    expect(noProvider).toMatchObject({ code: "TEAM_NOT_FOUND", field: "item.providerId" });
    const zeroSeats = await client
      .publishMenuItem({ item: { itemId: "menu-zero", title: "零座位", theme: Theme.HEALTH, format: Format.EXPERT_TALK, durationMinutes: 60, capacity: 0, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } }, { actor: admin })
      .catch((e: unknown) => e);
    expect(zeroSeats).toMatchObject({ code: "BAD_CAPACITY", field: "item.capacity" });
    expect((await client.listSubtree({ orgId: "sz" }, { actor: admin })).organizations).toHaveLength(subtreeBefore);
    expect((await client.listMenuForCommunity({ communityId: "sz-futian-yuanling-hongli" }, { actor: admin })).items.map((i) => i.itemId)).toEqual(["menu-phone"]);

    // theme + community: the Futian team covers health in Futian, nobody covers it in Nanshan
    expect((await client.listEligibleTeams({ theme: Theme.HEALTH, communityId: "sz-futian-yuanling-hongli" }, { actor: admin })).teams.map((t) => t.teamId)).toEqual(["team-futian"]);
    expect((await client.listEligibleTeams({ theme: Theme.HEALTH, communityId: "sz-nanshan-yuehai-keji" }, { actor: admin })).teams).toEqual([]);
    await client.updateTeam({ teamId: "team-nanshan", name: "南山区 AI 与健康科普队", themes: [Theme.DIGITAL_LITERACY, Theme.HEALTH], serviceAreaOrgIds: ["sz-nanshan"] }, { actor: admin });
    expect((await client.listEligibleTeams({ theme: Theme.HEALTH, communityId: "sz-nanshan-yuehai-keji" }, { actor: admin })).teams.map((t) => t.teamId)).toEqual(["team-nanshan"]);

    const suspended = await client.changeBaseStatus({ baseId: "base-kjg", status: BaseStatus.SUSPENDED, reason: "场馆维修" }, { actor: districtStaff });
    expect(suspended.base?.status).toBe(BaseStatus.SUSPENDED);
    await client.changeBaseStatus({ baseId: "base-kjg", status: BaseStatus.REVOKED, reason: "考核不合格" }, { actor: districtStaff });
    const backFromRevoked = await client.changeBaseStatus({ baseId: "base-kjg", status: BaseStatus.ACTIVE }, { actor: districtStaff }).catch((e: unknown) => e);
    expect(backFromRevoked).toMatchObject({ code: "BASE_WRONG_STATUS" });

    await client.editMenuItem({ item: { itemId: "menu-phone", title: "银龄智能手机课（进阶）", theme: Theme.DIGITAL_LITERACY, format: Format.HANDS_ON, audiences: [Audience.ELDERLY], durationMinutes: 120, capacity: 30, leadTimeDays: 5, serviceAreaOrgId: "sz", providerKind: ProviderKind.TEAM, providerId: "team-nanshan" } }, { actor: futianLeader }); // its provider (team-futian) edits it; area and provider stay as published
    await client.publishMenuItem({ item: { itemId: "menu-gone", title: "旧讲座", theme: Theme.HEALTH, format: Format.EXPERT_TALK, durationMinutes: 60, capacity: 30, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.TEAM, providerId: "team-futian" } }, { actor: admin });
    await client.withdrawMenuItem({ itemId: "menu-gone", reason: "讲师调离" }, { actor: admin });

    await service.kill(); // crash after the writes: everything answered must still be there
    await service.launch();

    const [item] = (await client.listMenuForCommunity({ communityId: "sz-futian-yuanling-hongli" }, { actor: admin })).items;
    expect(item).toMatchObject({ itemId: "menu-phone", title: "银龄智能手机课（进阶）", capacity: 30, serviceAreaOrgId: "sz-futian", providerId: "team-futian" });
    expect((await client.listBases({ orgId: "sz-futian" }, { actor: admin })).bases[0]?.status).toBe(BaseStatus.REVOKED);
    expect((await client.listBases({ orgId: "sz-nanshan" }, { actor: admin })).bases).toEqual([]);
    expect((await client.getTeam({ teamId: "team-futian" }, { actor: admin })).team).toMatchObject({ memberCount: 1, volunteers: [{ volunteerId: "vol-1", realName: "张三", phone: "13812345678" }] });
    expect((await client.getTeam({ teamId: "team-futian" }, { actor: districtStaff })).team?.volunteers[0]?.realName).not.toBe("张三");
    // Each aggregate's events reach Kafka in order, but aggregates overtake each other (and
    // partitions are read in any order): wait for every expected type, not for the last one sent.
    // Delivery is at least once, so count distinct events.
    const expected = ["TeamUpdated", "BaseStatusChanged", "MenuItemEdited", "MenuItemWithdrawn"];
    const published = await engines.readTopic(engines.topic("registry"), (m) => expected.every((t) => distinctTypes(m).includes(t)));
    const types = distinctTypes(published);
    expect(types).toEqual(expect.arrayContaining(expected));
    expect(types.filter((t) => t === "MenuItemPublished")).toHaveLength(2);
  });
});
