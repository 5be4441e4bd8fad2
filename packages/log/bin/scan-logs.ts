// `node --import tsx packages/log/bin/scan-logs.ts <folder> [result.json]`: fails (exit 1) when any
// log file under the folder holds a mobile number in clear; prints where (the number masked).
import { writeFile } from "node:fs/promises";
import { scanLogs } from "../src/scan.js";

const [dir, out] = process.argv.slice(2);
if (!dir) {
  console.error("usage: scan-logs <folder> [result.json]");
  process.exit(2);
}
const result = await scanLogs(dir);
if (out) await writeFile(out, JSON.stringify(result, null, 2));
for (const leak of result.leaks.slice(0, 50)) console.error(`phone number in clear: ${leak.file}:${leak.line} (${leak.phone})`);
console.error(`log scan: ${result.files} file(s), ${result.lines} line(s), ${result.leaks.length} phone number(s) in clear`);
process.exit(result.leaks.length > 0 ? 1 : 0);
