// The schemas of the HTTP edge. Requests are TypeBox (typed handlers); responses that carry a
// service's protobuf message are derived from that message's descriptor, so the documented body is
// exactly what toJson sends (camelCase names, enum names, ISO times, 64-bit integers as strings).
import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { Type, type TSchema } from "typebox";

type JsonSchema = Record<string, unknown>;

/** The JSON form of one protobuf scalar, as @bufbuild/protobuf's toJson writes it. */
function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return { type: "string", pattern: "^-?[0-9]+$" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: "number" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte" };
    default:
      return { type: "integer" };
  }
}

const enumSchema = (desc: DescEnum): JsonSchema => ({ type: "string", enum: desc.values.map((v) => v.name) });

function messageSchema(desc: DescMessage, seen: Set<string>): JsonSchema {
  if (desc.typeName === "google.protobuf.Timestamp") return { type: "string", format: "date-time" };
  if (seen.has(desc.typeName)) return { type: "object" }; // a recursive message: described once
  const inner = new Set(seen).add(desc.typeName);
  const properties: Record<string, JsonSchema> = {};
  // With alwaysEmitImplicit every field without presence tracking is written, set or not.
  const required: string[] = [];
  for (const field of desc.fields) {
    properties[field.jsonName] = fieldSchema(field, inner);
    if (alwaysWritten(field)) required.push(field.jsonName);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

const explicitPresence = 1; // google.protobuf.FeatureSet.FieldPresence.EXPLICIT
function alwaysWritten(field: DescField): boolean {
  if (field.fieldKind === "list" || field.fieldKind === "map") return true;
  if (field.fieldKind === "message" || field.oneof) return false;
  return field.presence !== explicitPresence;
}

function fieldSchema(field: DescField, seen: Set<string>): JsonSchema {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSchema(field.scalar);
    case "enum":
      return enumSchema(field.enum);
    case "message":
      return messageSchema(field.message, seen);
    case "list":
      return { type: "array", items: field.listKind === "scalar" ? scalarSchema(field.scalar) : field.listKind === "enum" ? enumSchema(field.enum) : messageSchema(field.message, seen) };
    case "map":
      return { type: "object", additionalProperties: field.mapKind === "scalar" ? scalarSchema(field.scalar) : field.mapKind === "enum" ? enumSchema(field.enum) : messageSchema(field.message, seen) };
  }
}

/** The JSON schema of a protobuf message as the gateway sends it (`json()` in app.ts). */
export const protoJson = (desc: DescMessage): TSchema => Type.Unsafe(messageSchema(desc, new Set()));

/** Extra top-level properties on a protobuf message's answer (a page's number and size). */
export const protoJsonWith = (desc: DescMessage, extra: Record<string, JsonSchema>, required: string[] = []): TSchema => {
  const base = messageSchema(desc, new Set()) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Type.Unsafe({ ...base, properties: { ...base.properties, ...extra }, required: [...(base.required ?? []), ...required] });
};

/** The one error body every 4xx and 5xx carries (packages/errors ErrorBody). */
export const errorBody = Type.Object(
  {
    code: Type.String({ description: "机器可读的错误码 / machine-readable code" }),
    message: Type.String({ description: "中文 / English" }),
    messageZh: Type.String(),
    messageEn: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { description: "错误（中文在前，英文在后）/ An error, Chinese first, English second" },
);

/** Success body by status, and the error body for every 4xx and 5xx. */
export const answers = (success: TSchema, status = 200) => ({ [status]: success, "4xx": errorBody, "5xx": errorBody });

/** A file answered as itself (a photo, an export). */
export const fileAnswer = (contentTypes: string[], description: string) => ({
  200: { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: { type: "string", format: "binary" } }])) },
  "4xx": errorBody,
  "5xx": errorBody,
});

// ---- request parts -------------------------------------------------------------------------------
export const id = (description?: string) => Type.String({ pattern: "^[A-Za-z0-9_.:-]{1,120}$", ...(description ? { description } : {}) });
export const text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });
export const dateTime = (description?: string) => Type.String({ format: "date-time", ...(description ? { description } : {}) });
/** A protobuf enum by its names, without the UNSPECIFIED zero. */
export const enumName = (values: object, prefix: string) =>
  Type.Unsafe<string>({ type: "string", enum: Object.keys(values).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED").map((k) => `${prefix}${k}`) });
/** The enum's number for a name given by `enumName` (0, unspecified, for none). */
export const enumValue = (values: Record<string, unknown>, prefix: string, name: string | undefined) => (name ? (values[name.slice(prefix.length)] as number) : 0);

export const params = <K extends string>(...names: K[]) => Type.Object(Object.fromEntries(names.map((n) => [n, id()])) as Record<K, ReturnType<typeof id>>, { additionalProperties: false });
export const strictObject = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false });

export const maxPageSize = 200;
/** The page size of a list asked for without one. */
export const defaultPageSize = 50;
/** page (from 0) + pageSize (at most 200) on every list. */
export const paging = {
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: "页码，从 0 开始 / page number, from 0" })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: maxPageSize, description: `每页条数，最多 ${maxPageSize} / page size, at most ${maxPageSize}` })),
};
export const pageFields = { page: { type: "integer" }, pageSize: { type: "integer" }, total: { type: "integer" } };
/** The page asked for, beside a list whose total the service's own answer carries (a service that pages). */
export const pageAskedFields = { page: { type: "integer" }, pageSize: { type: "integer" } };

/**
 * One page of a list the service answers whole, under its field name: in a stable order (by the
 * key), with the total. Used where the service's API has no paging of its own.
 */
export function paged<F extends string, T>(field: F, list: T[], key: (item: T) => string, query: { page?: number; pageSize?: number }) {
  const page = query.page ?? 0;
  const pageSize = query.pageSize ?? defaultPageSize;
  const sorted = [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { [field]: sorted.slice(page * pageSize, (page + 1) * pageSize), page, pageSize, total: list.length } as { [K in F]: T[] } & { page: number; pageSize: number; total: number };
}

export const secured = { security: [{ bearer: [] }] };

/** The header a retried POST carries to get the first answer again (24 h, per user). */
export const idempotencyHeader = Type.Object({
  "idempotency-key": Type.Optional(Type.String({ pattern: "^[A-Za-z0-9_-]{8,128}$", description: "每次操作一个（UUID）；重试时不变，24 小时内得到第一次的结果 / one per action (a UUID), the same on retries: the first answer again for 24 h" })),
});
