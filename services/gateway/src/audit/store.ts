// The audit log in the gateway's database: collection `audit`, one document per entry, _id a UUIDv7.
import type { Collection, Db, Filter } from "mongodb";
import type { Logger } from "@kepu/log";
import type { AuditEntry, AuditFilter } from "./entry.js";

/** An entry as stored: its id is the document's _id. */
type AuditDocument = Omit<AuditEntry, "id"> & { _id: string };

const toDocument = ({ id, ...rest }: AuditEntry): AuditDocument => ({ _id: id, ...rest });
const toEntry = ({ _id, ...rest }: AuditDocument): AuditEntry => ({ id: _id, ...rest });

export interface AuditPage {
  entries: AuditEntry[];
  /** How many entries match the filter, over all pages. */
  total: number;
  /** Pass as `cursor` for the next (older) page; absent on the last one. */
  nextCursor?: string;
}

export class AuditStore {
  private readonly entries: Collection<AuditDocument>;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    db: Db,
    private readonly logger: Logger,
  ) {
    this.entries = db.collection<AuditDocument>("audit");
  }

  /** Stores an entry without making anyone wait for it; a failure is logged (without the entry's params). */
  record(entry: AuditEntry): void {
    const write: Promise<void> = this.entries
      .insertOne(toDocument(entry))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, auditId: entry.id, route: entry.route, actorId: entry.actor.id }, "audit entry not stored"),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for every entry recorded so far to be stored (at shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /** Newest first, `limit` at a time, older than `cursor` (the last id of the page before). */
  async list(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage> {
    const query = queryOf(filter);
    const page = await this.entries
      .find(cursor ? { ...query, _id: { $lt: cursor } } : query)
      .sort({ _id: -1 })
      .limit(limit + 1)
      .toArray();
    const total = await this.entries.countDocuments(query);
    const entries = page.slice(0, limit).map(toEntry);
    return page.length > limit ? { entries, total, nextCursor: entries.at(-1)!.id } : { entries, total };
  }
}

function queryOf(filter: AuditFilter): Filter<AuditDocument> {
  const query: Filter<AuditDocument> = {};
  if (filter.actorId) query["actor.id"] = filter.actorId;
  if (filter.role) query["actor.role"] = filter.role;
  if (filter.method) query.method = filter.method;
  if (filter.route) query.route = filter.route;
  if (filter.outcome) query.outcome = filter.outcome;
  if (filter.kind) query.kind = filter.kind;
  if (filter.from || filter.to) query.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  return query;
}
