// Readable stack frames for whitespace-minified bundles, without --enable-source-maps.
//
// A bundle minified for memory (issue 20) is one long line: its frames read `main.js:1:4711`. Node's
// --enable-source-maps would name the TypeScript source, but it decodes the whole map the first time a
// stack is read: +100 MB of heap for the gateway's map (5.6 M mappings, measured), over the memory target.
// Instead the build writes `<bundle>.lines` beside the bundle — for each run of generated code that comes
// from one source line, where it starts and which file:line it is (Int32 quadruples, ~2–5 MB, read
// only when a stack is first formatted, and kept off the JavaScript heap) — and the bundle's banner
// installs `Error.prepareStackTrace`, which rewrites the bundle's own frames as `<source file>:<line>`.
// Other frames (node:internal, node_modules left external) are printed as V8 prints them.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const base64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/**
 * The `.lines` file for a source map (v3): [u32 length of the sources' JSON][the JSON][padding to 4]
 * then Int32 quadruples (generated line, generated column, source index, source line), all 0-based,
 * sorted by generated position, one per change of source line.
 */
export function lineTable(map, escaped = new Map()) {
  const quads = [];
  let genLine = 0;
  let genCol = 0;
  let src = 0;
  let srcLine = 0;
  let lastSrc = -1;
  let lastLine = -1;
  const { mappings } = map;
  let fields = [];
  let value = 0;
  let shift = 0;
  const segmentEnd = () => {
    if (fields.length >= 4) {
      genCol += fields[0];
      src += fields[1];
      srcLine += fields[2];
      if (src !== lastSrc || srcLine !== lastLine) {
        quads.push(genLine, shifted(escaped, genLine, genCol), src, srcLine);
        lastSrc = src;
        lastLine = srcLine;
      }
    } else if (fields.length >= 1) {
      genCol += fields[0];
    }
    fields = [];
  };
  for (let i = 0; i < mappings.length; i++) {
    const c = mappings[i];
    if (c === ";") {
      segmentEnd();
      genLine++;
      genCol = 0;
      continue;
    }
    if (c === ",") {
      segmentEnd();
      continue;
    }
    const digit = base64.get(c);
    if (digit === undefined) throw new Error(`source map: bad mapping character ${JSON.stringify(c)} at ${i}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  segmentEnd();
  const head = Buffer.from(JSON.stringify(map.sources), "utf8");
  const offset = Math.ceil((4 + head.length) / 4) * 4;
  const out = Buffer.alloc(offset + quads.length * 4);
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  Buffer.from(new Int32Array(quads).buffer).copy(out, offset);
  return out;
}

/**
 * The code with every non-ASCII UTF-16 unit written as `\uXXXX`, and where: for each line, the columns
 * (before escaping) of the units escaped. esbuild escapes strings and identifiers but leaves regular
 * expression literals as they are (pinyin-pro's /(ā|á|ǎ|à)/g), and one such character makes V8 keep
 * the whole bundle as a two-byte string. In a regular expression, with or without the u flag, the
 * escape means the same unit (a surrogate pair escaped is the same pair). Whitespace-minified code holds
 * no comments. (A tagged template's raw text, String.raw`…`, would differ; esbuild escapes the rest.
 * Today only pinyin-pro's regular expressions in the registry's bundle are escaped.)
 */
export function asciiOnly(code) {
  const escaped = new Map();
  let out = "";
  let line = 0;
  let lineStart = 0;
  let from = 0;
  for (let i = 0; i < code.length; i++) {
    const unit = code.charCodeAt(i);
    if (unit === 10) {
      line++;
      lineStart = i + 1;
    } else if (unit > 127) {
      out += code.slice(from, i) + `\\u${unit.toString(16).padStart(4, "0")}`;
      from = i + 1;
      if (!escaped.has(line)) escaped.set(line, []);
      escaped.get(line).push(i - lineStart);
    }
  }
  if (!escaped.size) return { code, escaped };
  return { code: out + code.slice(from), escaped };
}

/** A generated column after asciiOnly's escapes before it on its line (each adds 5 units). */
function shifted(escaped, line, column) {
  const columns = escaped.get(line);
  if (!columns) return column;
  let lo = 0;
  let hi = columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (columns[mid] < column) lo = mid + 1;
    else hi = mid;
  }
  return column + 5 * lo;
}

/**
 * Makes the bundle ASCII-only (asciiOnly) and writes `<bundle>.lines` from `<bundle>.map` (the map
 * keeps the columns before escaping; the table has them after). Returns the number of runs.
 */
export function writeLineTable(bundleFile) {
  const { code, escaped } = asciiOnly(readFileSync(bundleFile, "utf8"));
  if (escaped.size) writeFileSync(bundleFile, code);
  const table = lineTable(JSON.parse(readFileSync(`${bundleFile}.map`, "utf8")), escaped);
  writeFileSync(`${bundleFile}.lines`, table);
  return (table.length - Math.ceil((4 + table.readUInt32LE(0)) / 4) * 4) / 16;
}

/**
 * Runs inside the bundle (its text goes into the banner, with the bundle's `import.meta.url` and
 * modules from its `require`). Plain ES2022, no imports: it must stand alone.
 */
function kepuStackLines(bundleUrl, { readFileSync }, { fileURLToPath }, { relative }) {
  let table;
  const load = () => {
    if (table !== undefined) return table;
    try {
      const buf = readFileSync(`${fileURLToPath(bundleUrl)}.lines`);
      const headLength = buf.readUInt32LE(0);
      const base = new URL(".", bundleUrl);
      const sources = JSON.parse(buf.subarray(4, 4 + headLength).toString("utf8")).map((s) => relative(process.cwd(), fileURLToPath(new URL(s, base))));
      const offset = Math.ceil((4 + headLength) / 4) * 4;
      const data = new Int32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + buf.length));
      table = { sources, data };
    } catch {
      table = null;
    }
    return table;
  };
  /** `<source>:<line>` of a 1-based bundle position, or undefined. */
  const locate = (line, column) => {
    const t = load();
    if (!t) return undefined;
    const { data, sources } = t;
    const l = line - 1;
    const c = column - 1;
    let lo = 0;
    let hi = data.length / 4 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const gl = data[mid * 4];
      if (gl < l || (gl === l && data[mid * 4 + 1] <= c)) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return undefined;
    return `${sources[data[found * 4 + 2]]}:${data[found * 4 + 3] + 1}`;
  };
  const frame = (site) => {
    const text = String(site);
    try {
      if (site.getFileName() !== bundleUrl) return text;
      const where = locate(site.getLineNumber(), site.getColumnNumber());
      if (!where) return text;
      const at = `${bundleUrl}:${site.getLineNumber()}:${site.getColumnNumber()}`;
      return text.includes(at) ? text.replace(at, where) : `${text} [${where}]`;
    } catch {
      return text;
    }
  };
  Error.prepareStackTrace = (error, sites) => {
    let head;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = "Error";
    }
    return sites.length ? `${head}\n${sites.map((site) => `    at ${frame(site)}`).join("\n")}` : head;
  };
}

/** The banner's statement that installs the mapper (after `require` is defined). */
export const stackLinesBanner = `(${kepuStackLines.toString()})(import.meta.url, require("node:fs"), require("node:url"), require("node:path"));`;

// `node deploy/build/stack-lines.mjs <bundle>`: rewrites one bundle's table (the build does it for each).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) console.error(`[build] ${file}.lines: ${writeLineTable(file)} runs`);
}
