// The check behind "no phone number reaches a log line": reads every log file under a folder.
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { findPhones, maskPhone } from "@kepu/privacy";

export interface Leak {
  /** The file, relative to the folder scanned. */
  file: string;
  /** 1-based. */
  line: number;
  /** The number found, masked: the report of a leak must not leak it again. */
  phone: string;
}

export interface ScanResult {
  files: number;
  lines: number;
  leaks: Leak[];
}

/** Every mobile number in clear in any file under `dir` (at any depth), line by line; a missing folder holds none. */
export async function scanLogs(dir: string): Promise<ScanResult> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const result: ScanResult = { files: 0, lines: 0, leaks: [] };
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    result.files++;
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
      line++;
      for (const phone of findPhones(text)) result.leaks.push({ file: relative(dir, path), line, phone: maskPhone(phone) });
    }
    result.lines += line;
  }
  return result;
}
