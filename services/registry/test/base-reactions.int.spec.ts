// 科普基地 on the real engines (FerretDB, Kafka): a revoked base's menu items are withdrawn by the
// registry's reaction to BaseRevoked — also when the revocation was saved and the process stopped
// before any withdrawal (the state every revocation now leaves), and a replay of the topic changes
// nothing; certificate numbers claimed by _id, twenty approvals at once, twenty distinct numbers.
import { create } from "@bufbuild/protobuf";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope, type EventConsumer } from "@kepu/bus";
import { Format, OrgKind, Theme } from "@kepu/contracts/common/v1/catalog_pb";
import { ActorSchema, Role } from "@kepu/contracts/common/v1/envelope_pb";
import { BaseLevel, BaseStatus, ProviderKind } from "@kepu/contracts/registry/v1/events_pb";
import { createLogger } from "@kepu/log";
import { waitFor } from "@kepu/testkit";
import type { MenuItemFields } from "../src/domain/menu.js";
import { baseRevocationConsumer } from "../src/messaging/base-revocations.js";
import type { Cause, RegistryStore } from "../src/store/registry-store.js";
import { Sequences } from "../src/store/sequences.js";
import { Bases } from "../src/use-cases/bases.js";
import { Menu } from "../src/use-cases/menu.js";
import { Organizations } from "../src/use-cases/organizations.js";
import { registryOnEngines } from "./registry-engines.js";

const registry = registryOnEngines("registry-base-reactions");
const { engines, topic } = registry;
const logger = createLogger({ service: "base-reactions-test", level: "silent" });
let store: RegistryStore;
let bases: Bases;
let menu: Menu;
const consumers: EventConsumer[] = [];

const admin: Cause = { correlationId: "corr-admin", actor: create(ActorSchema, { id: "admin", role: Role.ADMIN }) };
const clock = () => new Date("2026-09-01T10:00:00+08:00");
const item = (itemId: string, providerId: string): MenuItemFields => ({
  itemId, title: "科技馆周末课堂", description: "", theme: Theme.HEALTH, format: Format.HANDS_ON, audiences: [], durationMinutes: 90, capacity: 40, leadTimeDays: 3, serviceAreaOrgId: "sz-futian", providerKind: ProviderKind.BASE, providerId, resourceIds: [],
});
/** Starts the reaction in a consumer group of its own (a new group reads the topic from offset 0). */
const react = async (group: string) => {
  const consumer = baseRevocationConsumer(engines.kafka, `${engines.prefix}${group}`, topic, bases, logger);
  consumers.push(consumer);
  await consumer.start();
  return consumer;
};
const versions = async (ids: string[]) => Promise.all(ids.map(async (id) => (await store.get("menu", id))?.version));

beforeAll(async () => {
  store = await registry.start();
  const orgs = new Organizations(store);
  bases = new Bases(store, orgs, clock);
  menu = new Menu(store, orgs);
  for (const [orgId, kind, parentId] of [["sz", OrgKind.CITY, ""], ["sz-futian", OrgKind.DISTRICT, "sz"]] as const) await orgs.register({ type: "register", orgId, name: orgId, kind, parentId }, admin);
}, 60_000);

afterAll(async () => {
  for (const consumer of consumers) await consumer.stop();
  await registry.stop();
});

describe("a revoked base's menu items, withdrawn by the reaction to its event", () => {
  it("finishes a revocation saved without its withdrawals; a replay of the topic changes nothing", async () => {
    await bases.certify({ type: "certify", baseId: "base-kjg", name: "福田科技馆", orgId: "sz-futian", level: BaseLevel.CITY, certifiedOn: undefined, termYears: 3, themes: [] }, admin);
    for (const id of ["menu-kjg-1", "menu-kjg-2", "menu-kjg-old"]) await menu.publish(item(id, "base-kjg"), admin);
    await menu.withdraw("menu-kjg-old", "展厅改造", admin); // withdrawn before: left as it is

    // The revocation is saved with its event; nothing is withdrawn in the call (as after a crash right after it).
    expect((await bases.revoke("base-kjg", "年度考核弄虚作假", admin)).status).toBe(BaseStatus.REVOKED);
    expect((await store.find("menu", { "item.providerId": "base-kjg", withdrawn: false })).map((d) => d._id).sort()).toEqual(["menu-kjg-1", "menu-kjg-2"]);
    const before = await versions(["menu-kjg-old"]);

    await react("reaction-1");
    await waitFor(async () => (await store.find("menu", { "item.providerId": "base-kjg", withdrawn: false })).length === 0, { what: "the revoked base's two items withdrawn", timeoutMs: 20_000 });
    const items = await Promise.all(["menu-kjg-1", "menu-kjg-2"].map((id) => store.state("menu", id)));
    expect(items.map((i) => i?.withdrawn)).toEqual([true, true]);
    const after = await versions(["menu-kjg-1", "menu-kjg-2", "menu-kjg-old"]);
    expect(after).toEqual([2, 2, before[0]]); // one withdrawal each; the old one untouched

    // The same events again, from offset 0 in another group: nothing left to withdraw.
    const replay = await react("reaction-2");
    await waitFor(() => replay.counters.handled >= 1, { what: "the replay to handle BaseRevoked", timeoutMs: 20_000 });
    expect(await versions(["menu-kjg-1", "menu-kjg-2", "menu-kjg-old"])).toEqual(after);
    expect(await bases.withdrawOffers("base-kjg", admin)).toBe(0);
    // On the topic: the old item's withdrawal and one for each of the two (distinct events: delivery is at least once).
    const withdrawalsOf = (messages: { key: string; value: Uint8Array }[]) =>
      new Set(messages.filter((m) => m.key.startsWith("menu-kjg")).map((m) => decodeEnvelope(m.value)).filter((e) => e.type.endsWith(".MenuItemWithdrawn")).map((e) => e.eventId));
    const messages = await engines.readTopic(topic, (m) => withdrawalsOf(m).size >= 3);
    expect(withdrawalsOf(messages).size).toBe(3);
  });

  it("withdraws on a status change to revoked too, and nothing for a base merely suspended", async () => {
    await bases.certify({ type: "certify", baseId: "base-lab", name: "福田实验室", orgId: "sz-futian", level: BaseLevel.DISTRICT, certifiedOn: undefined, termYears: 3, themes: [] }, admin);
    await bases.certify({ type: "certify", baseId: "base-park", name: "福田公园", orgId: "sz-futian", level: BaseLevel.DISTRICT, certifiedOn: undefined, termYears: 3, themes: [] }, admin);
    await menu.publish(item("menu-lab", "base-lab"), admin);
    await menu.publish(item("menu-park", "base-park"), admin);
    const reaction = consumers[0]!;
    const handled = reaction.counters.handled;
    await bases.review("base-park", { type: "changeStatus", status: BaseStatus.SUSPENDED, reason: "场馆维修" }, admin);
    await bases.review("base-lab", { type: "changeStatus", status: BaseStatus.REVOKED, reason: "不再开放" }, admin);
    await waitFor(() => reaction.counters.handled >= handled + 2, { what: "the reaction to handle both status changes", timeoutMs: 20_000 });
    expect((await store.state("menu", "menu-lab"))?.withdrawn).toBe(true);
    expect((await store.state("menu", "menu-park"))?.withdrawn).toBe(false);
  });
});

describe("certificate numbers", () => {
  it("gives twenty approvals at once twenty distinct numbers, in sequence, without a scan", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `base-apply-${i}`);
    for (const baseId of ids) await bases.apply({ type: "apply", baseId, name: `申请基地${baseId.slice(-2)}`, orgId: "sz-futian", level: BaseLevel.DISTRICT, themes: [], offers: "展厅" }, admin);
    const approved = await Promise.all(ids.map((baseId) => bases.reviewApplication(baseId, { approve: true, reason: "" }, admin)));
    const numbers = approved.map((b) => b.certificateNumber);
    expect(new Set(numbers).size).toBe(20);
    expect([...numbers].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `区科普基地〔2026〕${String(i + 1).padStart(3, "0")}`));
    // Another level's series starts at 001.
    await bases.apply({ type: "apply", baseId: "base-city-1", name: "市级申请", orgId: "sz-futian", level: BaseLevel.CITY, themes: [], offers: "" }, admin);
    expect((await bases.reviewApplication("base-city-1", { approve: true, reason: "" }, admin)).certificateNumber).toBe("深科普基地〔2026〕001");
  });

  it("claims distinct numbers from two connections at once, and a holder asking again keeps its number", async () => {
    const other = new MongoClient(engines.urls.mongoUrl);
    await other.connect();
    try {
      const here = store.sequences;
      const there = new Sequences(other.db(engines.database("registry")).collection("sequences"));
      const holders = Array.from({ length: 20 }, (_, i) => `holder-${i}`);
      const claimed = await Promise.all(holders.map((holder, i) => (i % 2 ? here : there).claim("test-series", holder)));
      expect([...claimed].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await Promise.all(holders.map((holder, i) => (i % 2 ? there : here).claim("test-series", holder)))).toEqual(claimed);
      expect(await here.claim("test-series", "holder-new")).toBe(21);
    } finally {
      await other.close();
    }
  });
});
