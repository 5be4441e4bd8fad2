// API keys for other systems (Open311 clients): bound to one org, acting as that org's staff.
// Created by admins and associations for their subtree (PRODUCT.md, "webhooks, API keys"); the
// gateway keeps only a SHA-256 of each key (a key is 192 random bits, so a fast hash is enough),
// looked up by the key's id, which is its `_id` (the one filter FerretDB serves from an index).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Collection, Db } from "mongodb";
import { OrgKind } from "@kepu/contracts/common/v1/catalog_pb";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { kepuError } from "@kepu/errors";
import type { Caller } from "../auth/tokens.js";

export interface ApiKey {
  keyId: string;
  name: string;
  orgId: string;
  /** The org and its ancestors, for the subtree checks of who manages the key. */
  path: string[];
  /** What the key acts as: the staff role of its org's level. */
  role: Role;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

interface ApiKeyDoc extends Omit<ApiKey, "keyId"> {
  _id: string;
  hash: string;
}

const prefix = "kepu311";
const digest = (key: string) => createHash("sha256").update(key).digest();

/** The staff role an org's key acts as; only orgs of the tree's ladder hold keys. */
export function roleForOrg(kind: OrgKind): Role | undefined {
  switch (kind) {
    case OrgKind.CITY:
      return Role.CITY_STAFF;
    case OrgKind.DISTRICT:
      return Role.DISTRICT_STAFF;
    case OrgKind.STREET:
      return Role.STREET_STAFF;
    case OrgKind.COMMUNITY:
      return Role.COMMUNITY_WORKER;
    default:
      return undefined;
  }
}

export const apiKeyErrors = {
  orgKind: () => kepuError("invalid", "API_KEY_ORG_KIND", "API 密钥只能绑定市、区、街道或社区", "An API key is bound to a city, district, street or community", "orgId"),
  notFound: () => kepuError("not_found", "API_KEY_NOT_FOUND", "没有这个 API 密钥", "No such API key", "keyId"),
};

/** The actor an API key's calls carry to the services. */
export const actorOfKey = (key: ApiKey): Caller => ({ id: `api-key:${key.keyId}`, role: key.role, orgId: key.orgId, displayName: key.name });

export class ApiKeys {
  private readonly keys: Collection<ApiKeyDoc>;

  constructor(db: Db) {
    this.keys = db.collection<ApiKeyDoc>("api_keys");
  }

  /** A new key; the secret is answered once and never stored. */
  async create(input: Pick<ApiKey, "name" | "orgId" | "path" | "role" | "createdBy">): Promise<{ apiKey: ApiKey; key: string }> {
    const keyId = randomBytes(8).toString("hex");
    const key = `${prefix}_${keyId}_${randomBytes(24).toString("base64url")}`;
    const doc: ApiKeyDoc = { _id: keyId, hash: digest(key).toString("hex"), ...input, createdAt: new Date(), revokedAt: null };
    await this.keys.insertOne(doc);
    return { apiKey: toKey(doc), key };
  }

  /** The live key a presented secret belongs to, if any. */
  async verify(presented: string): Promise<ApiKey | undefined> {
    const [head, keyId] = presented.split("_");
    if (head !== prefix || !keyId || !/^[0-9a-f]{16}$/.test(keyId)) return undefined;
    const doc = await this.keys.findOne({ _id: keyId });
    if (!doc || doc.revokedAt) return undefined;
    const stored = Buffer.from(doc.hash, "hex");
    const given = digest(presented);
    return stored.length === given.length && timingSafeEqual(stored, given) ? toKey(doc) : undefined;
  }

  async get(keyId: string): Promise<ApiKey | undefined> {
    const doc = await this.keys.findOne({ _id: keyId });
    return doc ? toKey(doc) : undefined;
  }

  /** Every key; few enough to be read whole (one per connected system). */
  async list(): Promise<ApiKey[]> {
    return (await this.keys.find({}).toArray()).map(toKey);
  }

  async revoke(keyId: string): Promise<ApiKey | undefined> {
    await this.keys.updateOne({ _id: keyId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    return this.get(keyId);
  }
}

function toKey(doc: ApiKeyDoc): ApiKey {
  return { keyId: doc._id, name: doc.name, orgId: doc.orgId, path: doc.path, role: doc.role, createdBy: doc.createdBy, createdAt: doc.createdAt, revokedAt: doc.revokedAt ?? null };
}
