import { readFileSync } from "node:fs";

/** The service's clock: the machine's time, or (tests only) the machine's plus the offset in `offsetFile`. */
export function clockFrom(offsetFile: string): () => Date {
  if (!offsetFile) return () => new Date();
  return () => new Date(Date.now() + offsetIn(offsetFile));
}

function offsetIn(file: string): number {
  try {
    const offset = Number(readFileSync(file, "utf8").trim() || "0");
    return Number.isFinite(offset) ? offset : 0;
  } catch {
    return 0; // no file yet: the machine's time
  }
}
