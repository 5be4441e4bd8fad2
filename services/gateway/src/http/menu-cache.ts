// The residents' menu (GET /api/v1/menu) cached per community for a while, and dropped as soon
// as the registry's menu changes: every MenuItemPublished, MenuItemEdited or MenuItemWithdrawn on
// kepu.registry.v1 (an item withdrawn by hand, by the district, or because its base was revoked)
// moves a version in Redis. Each read compares its entry's version with Redis's, so every
// gateway replica drops its entries at once, though only one of them (the consumer group's member
// for that partition) heard the event. An entry is kept at most `ttlMs` either way.
import type { Redis } from "ioredis";
import { EventConsumer } from "@kepu/bus";
import { MenuItemEditedSchema, MenuItemPublishedSchema, MenuItemWithdrawnSchema, type MenuItem } from "@kepu/contracts/registry/v1/events_pb";
import type { Logger } from "@kepu/log";

type Kafka = ConstructorParameters<typeof EventConsumer>[0];

/** The Redis key of the menu's version. */
export const menuVersionKey = (prefix: string) => `${prefix}menu:version`;

export class MenuCache {
  private readonly entries = new Map<string, { at: number; version: string; items: MenuItem[] }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = 30_000,
  ) {}

  /**
   * The community's items: the cached ones when `reuse` (the caller may read them), younger than
   * the ttl and of the menu's current version; else `load`'s, kept for the next reader. The
   * version is read before loading, so a change during the load leaves an entry the next read drops.
   */
  async items(communityId: string, reuse: boolean, load: () => Promise<MenuItem[]>): Promise<MenuItem[]> {
    const version = (await this.redis.get(menuVersionKey(this.prefix))) ?? "0";
    const hit = this.entries.get(communityId);
    if (reuse && hit && hit.version === version && Date.now() - hit.at < this.ttlMs) return hit.items;
    const items = await load();
    this.entries.set(communityId, { at: Date.now(), version, items });
    return items;
  }

  /** The menu changed: every replica's entries are stale from now on. */
  async changed(): Promise<void> {
    await this.redis.incr(menuVersionKey(this.prefix));
  }
}

/** Follows the registry's menu events (a consumer group of its own); any other type is skipped. A repeat only drops the cache once more. */
export function menuChanges(kafka: Kafka, groupId: string, topic: string, cache: MenuCache, logger: Logger): EventConsumer {
  const changed = () => cache.changed();
  return new EventConsumer(kafka, { groupId, topics: [topic], logger, fromBeginning: false })
    .on(MenuItemPublishedSchema, changed)
    .on(MenuItemEditedSchema, changed)
    .on(MenuItemWithdrawnSchema, changed);
}
