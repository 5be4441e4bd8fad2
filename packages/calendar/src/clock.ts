import { readFileSync } from "node:fs";

// Node only (it reads a file): a subpath of its own keeps node:fs out of the web app's bundle.

export type Clock = () => Date;

/**
 * A service's time: the machine's, or — in tests — shifted by the milliseconds written in
 * `offsetFile` (read on every call), so a test can set the hour without waiting for it.
 */
export function clockFrom(offsetFile: string): Clock {
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
