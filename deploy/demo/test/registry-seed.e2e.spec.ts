import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { RegistryService } from "@kepu/contracts/registry/v1/service_pb";
import { createRpcClient } from "@kepu/rpc";
import { ServiceProcess, TestEngines, testSigner, uniquePrefix } from "@kepu/testkit";
import { seedRegistry } from "../src/registry.js";
import { bases, demoIds, menu, orgs } from "../src/shenzhen.js";

const engines = new TestEngines(uniquePrefix("demo-registry"));
const admin = { actor: { id: "demo-seed", role: Role.ADMIN, orgId: "sz" } };
let registry: ServiceProcess;
let client: ReturnType<typeof createRpcClient<typeof RegistryService>>;

beforeAll(async () => {
  await engines.createTopics([engines.topic("registry")]);
  registry = await ServiceProcess.start("registry", engines.serviceEnv());
  client = createRpcClient(RegistryService, registry.grpcAddress, { signer: testSigner(), timeoutMs: 30_000 }); // the seed writes ~100 things at once; a loaded CI machine is slow
});

afterAll(async () => {
  client?.close();
  await registry?.stop();
  await engines.cleanup();
});

/** What a newcomer would see of the Shenzhen data set. */
async function snapshot() {
  const futianStreets = (await client.listSubtree({ orgId: demoIds.district, kind: OrgKind.STREET }, admin)).organizations.length;
  const everything = (await client.listSubtree({ orgId: demoIds.city }, admin)).organizations.length;
  const futianBases = (await client.listBases({ orgId: demoIds.district }, admin)).bases.length;
  const team = (await client.getTeam({ teamId: demoIds.team }, admin)).team!;
  const demoMenu = (await client.listMenuForCommunity({ communityId: demoIds.community }, admin)).items.length;
  const nanshanMenu = (await client.listMenuForCommunity({ communityId: demoIds.otherDistrictCommunity }, admin)).items.length;
  // Futian's 文明实践 tree and 党群服务中心 with the communities they serve.
  const practice = (await client.listChildren({ orgId: demoIds.practiceCenter, kind: OrgKind.PRACTICE_INSTITUTE }, admin)).organizations.length;
  const station = (await client.getOrganization({ orgId: "sz-futian-wmsj-yuanling-c1" }, admin)).organization!.servedCommunityIds;
  const partyCentres = (await client.listSubtree({ orgId: demoIds.district, kind: OrgKind.PARTY_SERVICE_CENTER }, admin)).organizations;
  const yuanlingCentre = partyCentres.find((o) => o.orgId === "sz-futian-yuanling-dq")?.servedCommunityIds.length;
  return { futianStreets, everything, futianBases, members: team.memberCount, demoMenu, nanshanMenu, practice, station, partyCentres: partyCentres.length, yuanlingCentre };
}

describe("the registry's Shenzhen demo data", () => {
  it("loads Futian's 10 streets, 29 bases, the 30-member team and the menu; a second run changes nothing", async () => {
    await seedRegistry(client, admin);
    const first = await snapshot();
    expect(first).toMatchObject({ futianStreets: 10, everything: orgs.length, futianBases: bases.length, members: 30, practice: 10, station: [demoIds.community], partyCentres: 10, yuanlingCentre: 4 });
    expect(bases).toHaveLength(29);
    expect(menu.length).toBeGreaterThanOrEqual(30);
    expect(first.demoMenu).toBeGreaterThan(first.nanshanMenu); // the Futian community sees Futian's items
    expect(first.nanshanMenu).toBeGreaterThan(0); // and Nanshan its own and the city-wide ones

    await seedRegistry(client, admin);
    expect(await snapshot()).toEqual(first);
  });
});
