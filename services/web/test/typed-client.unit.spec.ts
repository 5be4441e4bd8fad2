// Issue 17: every call the web app makes goes through the typed client (src/api/client.ts, typed
// from the gateway's OpenAPI) — no page calls fetch( itself or builds an "/api/v1/…" path by hand.
// Only client.ts (it is the client) and sse.ts (the event streams, read with fetch) may.
//
// A path is typed when it is the literal first argument of http.GET/POST/PUT/PATCH/DELETE (or of
// followEvents, whose path is a key of the schema's paths) — TypeScript then refuses one the gateway
// does not serve — or a literal inside a type (Answer<"/api/v1/me", "get">). Anything else that names
// "/api/…" — a template literal, a concatenation, a variable, the untyped `api` helper — is by hand.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parse } from "vue/compiler-sfc";
import { feedUrl } from "../src/api/sse";

const src = join(dirname(fileURLToPath(import.meta.url)), "../src");
/** The client itself, and the event streams (EventSource cannot send a bearer token). */
const allowed = new Set(["api/client.ts", "api/sse.ts"]);
const typedMethods = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
const typedFunctions = new Set(["followEvents"]);
/** "/api/v1/…" (not a module path such as "../api/client"). */
const apiPath = /(^|[^.])\/api\/v\d+(\/|\?|$)/;

/** What in one script is not the typed client: `line: what`, empty when all is typed. */
export function handWritten(code: string, fileName = "file.ts", firstLine = 1): string[] {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + firstLine;
  const say = (node: ts.Node, what: string) => found.push(`${at(node)}: ${what}`);
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && callsFetch(node.expression)) say(node, `calls fetch( itself: ${short(node, file)}`);
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ["XMLHttpRequest", "EventSource"].includes(node.expression.text)) say(node, `opens ${node.expression.text} itself`);
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /(^|\/)api\/client$/.test(node.moduleSpecifier.text)) {
      const names = node.importClause?.namedBindings;
      if (names && ts.isNamedImports(names) && names.elements.some((e) => (e.propertyName ?? e.name).text === "api")) say(node, "imports the untyped api() helper");
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && apiPath.test(node.text) && !typedPlace(node)) say(node, `builds a path by hand: ${short(node, file)}`);
    if (ts.isTemplateExpression(node) && apiPath.test(node.getText(file))) say(node, `builds a path by hand: ${short(node, file)}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function callsFetch(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return callee.text === "fetch";
  return ts.isPropertyAccessExpression(callee) && callee.name.text === "fetch" && ts.isIdentifier(callee.expression) && ["window", "globalThis", "self"].includes(callee.expression.text);
}

/** A literal the type checker holds to the schema: in a type, a schema key, or the path argument of a typed call. */
function typedPlace(literal: ts.Node): boolean {
  for (let node: ts.Node = literal; node.parent; node = node.parent) {
    if (ts.isTypeNode(node.parent) || (ts.isPropertySignature(node.parent) && node.parent.name === node)) return true;
  }
  // Through parentheses and `a ? "/api/v1/…" : "/api/v1/…"` (both branches typed paths) up to the argument.
  let argument: ts.Node = literal;
  while (ts.isParenthesizedExpression(argument.parent) || (ts.isConditionalExpression(argument.parent) && argument.parent.condition !== argument)) argument = argument.parent;
  const call = argument.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== argument) return false;
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return typedMethods.has(callee.name.text);
  return ts.isIdentifier(callee) && typedFunctions.has(callee.text);
}

const short = (node: ts.Node, file: ts.SourceFile) => node.getText(file).replace(/\s+/g, " ").slice(0, 100);

/** The same for a single-file component: its scripts as above; its template may name no API path and call no fetch at all. */
export function handWrittenInVue(code: string, fileName = "file.vue"): string[] {
  const { descriptor, errors } = parse(code, { filename: fileName });
  if (errors.length > 0) return [`cannot be read: ${String(errors[0])}`];
  const found: string[] = [];
  for (const script of [descriptor.script, descriptor.scriptSetup]) {
    if (script) found.push(...handWritten(script.content, `${fileName}.ts`, script.loc.start.line));
  }
  const template = descriptor.template;
  if (template) {
    template.content.split("\n").forEach((line, i) => {
      if (apiPath.test(line) || /\bfetch\s*\(/.test(line)) found.push(`${template.loc.start.line + i}: the template calls the API by hand: ${line.trim().slice(0, 100)}`);
    });
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("the checker tells a typed call from one by hand", () => {
  it.each([
    ['await fetch("/api/v1/me")', "calls fetch("],
    ["await window.fetch(url)", "calls fetch("],
    ['import { api, ok } from "../api/client";', "untyped api() helper"],
    ['api("POST", "/api/v1/auth/sign-in", body)', "builds a path by hand"],
    ["http.GET(`/api/v1/teams/${id}`)", "builds a path by hand"],
    ['http.GET("/api/v1/resources?pageSize=100" as never)', "builds a path by hand"],
    ['const path = "/api/v1/bases/" + id + "/review";', "builds a path by hand"],
    ['const url = "/api/v1/me"; http.GET(url as never);', "builds a path by hand"],
    ["new XMLHttpRequest()", "opens XMLHttpRequest"],
  ])("%s is by hand", (code, what) => {
    const found = handWritten(code);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toContain(what);
  });

  it.each([
    'ok(http.GET("/api/v1/teams/{teamId}", { params: { path: { teamId } } }))',
    'http.POST(action === "pool" ? "/api/v1/orders/{orderId}/pool" : "/api/v1/orders/{orderId}/reject", { body })',
    'type Me = Answer<"/api/v1/me", "get">;',
    'export type Q = NonNullable<paths["/api/v1/resources"]["get"]["parameters"]["query"]>;',
    'interface paths { "/api/v1/me": { get: unknown } }',
    'followEvents("/api/v1/stats/live", token, onEvent, signal)',
    'import { http, ok, saveFile } from "../api/client";',
    "// a comment may say /api/v1/me and fetch(",
  ])("%s is typed", (code) => expect(handWritten(code)).toEqual([]));

  it("reads a component's scripts and its template, with the file's line numbers", () => {
    const vue = ['<script setup lang="ts">', 'import { http } from "../api/client";', "const go = () => fetch(`/api/v1/me`);", "</script>", "<template>", '  <img :src="`/api/v1/photos/${id}`" />', "</template>"].join("\n");
    const found = handWrittenInVue(vue);
    expect(found.map((f) => f.split(":")[0])).toEqual(["3", "3", "6"]);
  });
});

describe("a live feed's query is typed too (api/sse.ts)", () => {
  it("puts the set values after the path, leaves an empty one out", () => {
    expect(feedUrl("/api/v1/stats/live")).toBe("/api/v1/stats/live");
    expect(feedUrl("/api/v1/stats/live", { orgId: "sz-futian-c1", campaignId: "" })).toBe("/api/v1/stats/live?orgId=sz-futian-c1");
    expect(feedUrl("/api/v1/stats/live", { orgId: "a&b", campaignId: "c 1" })).toBe("/api/v1/stats/live?orgId=a%26b&campaignId=c+1");
  });
});

describe("services/web/src calls the API only through the typed client", () => {
  const files = sources(src);

  it("reads every page, component and module (not a vacuous pass)", () => {
    const names = files.map((f) => relative(src, f));
    expect(names.length).toBeGreaterThan(50);
    expect(names).toEqual(expect.arrayContaining(["views/SignIn.vue", "views/staff/ImportsPage.vue", "api/client.ts"]));
  });

  it("no fetch( and no path by hand outside api/client.ts and api/sse.ts", () => {
    const byHand = files
      .filter((f) => !allowed.has(relative(src, f)))
      .flatMap((f) => {
        const code = readFileSync(f, "utf8");
        return (f.endsWith(".vue") ? handWrittenInVue(code, f) : handWritten(code, f)).map((what) => `services/web/src/${relative(src, f)}:${what}`);
      });
    expect(byHand).toEqual([]);
  }, 60_000); // ~100 files parsed: seconds on a busy machine
});
