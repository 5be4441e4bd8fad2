// Contracts over time: a consumer built from a previous release's contracts reads the events the
// current ones write, and the reverse. Each release's descriptors are kept in proto/releases/
// (docs/operations.md, "Releases"), so this runs from a clone without tags.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  create,
  createFileRegistry,
  createRegistry,
  fromBinary,
  ScalarType,
  toBinary,
  toJson,
  type DescEnum,
  type DescField,
  type DescMessage,
  type DescFile,
  type JsonObject,
  type JsonValue,
  type Message,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { allFiles } from "../src/index.js";

const releasesDir = fileURLToPath(new URL("../../../proto/releases/", import.meta.url));
const releases = readdirSync(releasesDir).filter((name) => name.endsWith(".binpb")).sort();
const current = createRegistry(...allFiles);

/** What goes on the bus: the envelope, and every message of an events.proto file (the payloads). */
function busMessages(files: Iterable<DescFile>): DescMessage[] {
  const all = [...files];
  const envelope = all.flatMap((f) => f.messages).find((m) => m.typeName === "kepu.common.v1.EventEnvelope")!;
  return [envelope, ...all.filter((f) => /\/events(\.proto)?$/.test(f.name)).flatMap((f) => f.messages)];
}

/** A value for every field (the first case of each oneof), nested messages too, so that every field is on the wire. */
function sample(desc: DescMessage, depth = 0): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  if (depth > 4) return init;
  for (const field of desc.fields) {
    if (field.oneof && field.oneof.fields[0] !== field) continue;
    const value = sampleOf(field, depth);
    if (field.oneof) init[field.oneof.localName] = { case: field.localName, value };
    else init[field.localName] = value;
  }
  return init;
}

function sampleOf(field: DescField, depth: number): unknown {
  const one = (kind: "scalar" | "enum" | "message", scalar?: ScalarType, enumDesc?: DescEnum, message?: DescMessage): unknown =>
    kind === "scalar" ? scalarSample(scalar!, field) : kind === "enum" ? enumSample(enumDesc!) : sample(message!, depth + 1);
  switch (field.fieldKind) {
    case "scalar":
      return scalarSample(field.scalar, field);
    case "enum":
      return enumSample(field.enum);
    case "message":
      return sample(field.message, depth + 1);
    case "list":
      return [one(field.listKind, field.scalar, field.enum, field.message), one(field.listKind, field.scalar, field.enum, field.message)];
    case "map":
      return { [String(scalarSample(field.mapKey, field))]: one(field.mapKind, field.scalar, field.enum, field.message) };
  }
}

function scalarSample(type: ScalarType, field: DescField): unknown {
  switch (type) {
    case ScalarType.STRING:
      return `${field.name}·值`;
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return new Uint8Array([field.number, 0, 255]);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return field.number + 0.5;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BigInt(field.number * 1_000 + 7);
    default:
      return field.number + 1;
  }
}

/** The first value after the zero one: one both sides know, unless it was added later. */
const enumSample = (desc: DescEnum) => (desc.values[1] ?? desc.values[0]!).number;

/** `json` (a message of `from`'s schema as JSON) with only the fields `onto` knows, by field number. */
function project(onto: DescMessage, from: DescMessage, json: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of onto.fields) {
    const theirs = from.fields.find((f) => f.number === field.number);
    const value = theirs ? json[theirs.jsonName] : undefined;
    if (!theirs || value === undefined) continue;
    const inner = field.message && theirs.message && !field.message.typeName.startsWith("google.protobuf.") ? [field.message, theirs.message] as const : undefined;
    const nested = (v: JsonValue) => (inner ? project(inner[0], inner[1], v as JsonObject) : v);
    if (field.fieldKind === "list") out[field.jsonName] = (value as JsonValue[]).map(nested);
    else if (field.fieldKind === "map") out[field.jsonName] = Object.fromEntries(Object.entries(value as JsonObject).map(([k, v]) => [k, nested(v)]));
    else out[field.jsonName] = nested(value);
  }
  return out;
}

/**
 * A message with every field set, written with `writer`'s schema and read with `reader`'s: `read`
 * is what the reader made of it, `wanted` what it should have, both as JSON over the fields the
 * older schema `older` knows (what a newer field means is the newer side's business).
 */
function across(writer: DescMessage, reader: DescMessage, older: DescMessage) {
  const newer = older === writer ? reader : writer;
  const written: Message = create(writer, sample(writer) as never);
  const read = fromBinary(reader, toBinary(writer, written));
  const onOlder = (desc: DescMessage, json: JsonValue) => (desc === older ? (json as JsonObject) : project(older, newer, json as JsonObject));
  return { read: onOlder(reader, toJson(reader, read)), wanted: onOlder(writer, toJson(writer, written)) };
}

describe.each(releases)("contracts against release %s", (file) => {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(`${releasesDir}${file}`));
  const previous = createFileRegistry(set);
  const pairs = busMessages(allFiles).flatMap((now) => {
    const then = previous.getMessage(now.typeName);
    return then ? [[now.typeName, now, then] as const] : [];
  });

  it("still has every message the release put on the bus", () => {
    const gone = busMessages(previous.files).filter((then) => !current.getMessage(then.typeName)).map((m) => m.typeName);
    expect(gone).toEqual([]);
    expect(pairs.length).toBeGreaterThan(20);
  });

  it.each(pairs.map(([name, now, then]) => ({ name, now, then })))("$name: the release reads what is written now, and the reverse", ({ now, then }) => {
    const forward = across(now, then, then); // written now, read by the release's consumers
    expect(forward.read).toEqual(forward.wanted);
    const sampled = then.fields.filter((f) => !f.oneof || f.oneof.fields[0] === f);
    expect(Object.keys(forward.wanted)).toHaveLength(sampled.length); // every field the release knows went across
    const backward = across(then, now, then); // written by the release's producers, read now
    expect(backward.read).toEqual(backward.wanted);
  });
});
