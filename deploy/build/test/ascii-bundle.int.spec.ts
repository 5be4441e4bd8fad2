// The bundles are ASCII only (issue 20, memory: V8 holds a source with one non-ASCII character as a
// two-byte string). What esbuild leaves unescaped — comments and regular expression literals — must
// mean the same once escaped.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain ES module of the build, no types
import { asciiOnly } from "../bundle.mjs";

const source = `
  // 科普: a comment in Chinese, an em dash — and a licence by Jimmy Wärting
  const tones = (text) => text.replace(/(ā|á|ǎ|à)/g, "a").replace(/ü/g, "v");
  const listOf = (text) => text.split(/[,，、;；\\s]+/).filter(Boolean);
  const smile = /😀+/u.test("😀😀") && /[😀-😂]/u.test("😁") && !/^.$/.test("😀");
  ({ tones: tones("lü hǎo ā"), list: listOf("园岭，华富、莲花;香蜜"), smile })
`;

describe("asciiOnly", () => {
  it("leaves no character above 0x7F", () => {
    expect([...asciiOnly(source)].filter((c) => c.charCodeAt(0) > 0x7f)).toEqual([]);
  });

  it("keeps what the code does: the same regular expressions match, the same lines", () => {
    expect(runInNewContext(asciiOnly(source))).toEqual(runInNewContext(source));
    expect(runInNewContext(source)).toEqual({ tones: "lv hao a", list: ["园岭", "华富", "莲花", "香蜜"], smile: true });
    expect(asciiOnly(source).split("\n")).toHaveLength(source.split("\n").length);
  });
});
