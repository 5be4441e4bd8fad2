// Finding an org by name without scanning the collection (FerretDB has no text index): each org's
// document keeps its name keys — every piece of its name up to `keyLength` characters, and the
// leading letters of its pinyin initials (园岭社区 → y, yl, yls, ylsq) — under a multikey index.
// A query looks up the key of its first `keyLength` characters, then keeps the names that hold
// the whole query. Keys are derived from the name on every save, so every replica sees them.
import { pinyin } from "pinyin-pro";

const keyLength = 6;
const initialsLength = 12;

const chars = (text: string) => [...text.trim().toLowerCase()];

/** 园岭社区 → "ylsq"; letters and digits stay as they are. */
export function initialsOf(name: string): string {
  return pinyin(name.trim(), { pattern: "first", toneType: "none", type: "array", nonZh: "consecutive" })
    .join("")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** The keys an org of this name is found by. */
export function nameKeys(name: string): string[] {
  const text = chars(name);
  const keys = new Set<string>();
  for (let start = 0; start < text.length; start++) {
    for (let end = start + 1; end <= Math.min(text.length, start + keyLength); end++) keys.add(text.slice(start, end).join(""));
  }
  const initials = [...initialsOf(name)].slice(0, initialsLength);
  for (let end = 1; end <= initials.length; end++) keys.add(initials.slice(0, end).join(""));
  return [...keys];
}

/** The key a query is looked up by (empty: no query). */
export function searchKey(query: string): string {
  return chars(query).slice(0, keyLength).join("");
}

/** Whether a name answers a query: it holds it, or its pinyin initials start with it. */
export function nameMatches(name: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q !== "" && (name.toLowerCase().includes(q) || initialsOf(name).startsWith(q));
}

/** Names in the order a picker shows them: the shorter (the closer match) first, then as Chinese sorts. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name.length - b.name.length || a.name.localeCompare(b.name, "zh-Hans-CN");
}
