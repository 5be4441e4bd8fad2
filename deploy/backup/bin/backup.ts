// npm run backup -- [--out file] [--stop-services]
//   A consistent snapshot of the platform on the engines (KAFKA_BROKERS, MONGO_URL, REDIS_URL,
//   KEPU_PREFIX; the local engines by default) in one .tar.gz. Refuses while its services run;
//   --stop-services stops the local ones (deploy/local/services.sh) first and starts them again after.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { backup, readConfig } from "../src/index.js";
import { describeCounts, refuse } from "./cli.js";

const { values } = parseArgs({ options: { out: { type: "string" }, "stop-services": { type: "boolean", default: false } } });
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
const config = readConfig();
const repo = fileURLToPath(new URL("../../../", import.meta.url));
// npm runs scripts from the root: a path given is the caller's (INIT_CWD); the default is the repository's .kepu/backups.
const out = values.out ? resolve(process.env.INIT_CWD ?? ".", values.out) : resolve(repo, `.kepu/backups/kepu-${config.KEPU_PREFIX}${stamp}.tar.gz`);
const services = fileURLToPath(new URL("../../local/services.sh", import.meta.url));
const stopServices = values["stop-services"] === true;

if (stopServices) execFileSync("bash", [services, "stop"], { stdio: "inherit" });
const started = performance.now();
// The services start again whatever the backup's outcome, before it is reported.
let seconds = 0;
const result = await backup(config, out).finally(() => {
  seconds = (performance.now() - started) / 1000;
  if (stopServices) startAgain();
});
if (!result.ok) refuse(result.error);
console.log(`backup written to ${out} in ${seconds.toFixed(1)} s:\n${describeCounts(result.value)}`);

function startAgain(): void {
  try {
    execFileSync("bash", [services, "start"], { stdio: "inherit" });
  } catch {
    console.error(`服务未能重新启动（见上面的输出），请修复后运行 bash ${services} start\nthe services did not start again (see the output above): fix that and run bash ${services} start`);
    process.exitCode = 1;
  }
}
