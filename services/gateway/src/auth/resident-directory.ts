// The residents who signed in, for 代点单: a community worker picks one by name. Kept in the
// gateway's own database (collection `residents`), one document per resident: her id, community,
// the name she gave and her phone MASKED — never the number itself (her id does not reveal it
// either: ResidentCodes). Written at each sign-in and move, so it follows her community.
import type { Collection, Db } from "mongodb";
import { maskPhone } from "@kepu/privacy";

export interface ResidentEntry {
  _id: string;
  communityId: string;
  displayName: string;
  phoneMasked: string;
  seenAt: Date;
}

export class ResidentDirectory {
  private readonly entries: Collection<ResidentEntry>;

  constructor(db: Db) {
    this.entries = db.collection<ResidentEntry>("residents");
  }

  async createIndexes(): Promise<void> {
    await this.entries.createIndex({ communityId: 1 });
  }

  /** She signed in (with this phone, for this community, with this name). */
  async signedIn(residentId: string, phone: string, communityId: string, displayName: string, at = new Date()): Promise<void> {
    await this.entries.updateOne({ _id: residentId }, { $set: { communityId, displayName, phoneMasked: maskPhone(phone), seenAt: at } }, { upsert: true });
  }

  /** She moved to another community. */
  async moved(residentId: string, communityId: string): Promise<void> {
    await this.entries.updateOne({ _id: residentId }, { $set: { communityId } });
  }

  async get(residentId: string): Promise<ResidentEntry | undefined> {
    return (await this.entries.findOne({ _id: residentId })) ?? undefined;
  }

  /** The residents of one community whose name holds `name` (all of them for an empty one), by name. */
  async search(communityId: string, name: string, limit = 20): Promise<ResidentEntry[]> {
    const all = await this.entries.find({ communityId }).toArray(); // one community's residents; filtered in code (FerretDB: no regex push-down)
    const wanted = name.trim();
    return all
      .filter((r) => !wanted || r.displayName.includes(wanted))
      .sort((a, b) => a.displayName.localeCompare(b.displayName, "zh-CN"))
      .slice(0, limit);
  }
}
