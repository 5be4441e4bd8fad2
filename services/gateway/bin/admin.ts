// The first admin of a fresh deployment, from the operator's shell: nobody can sign in before there
// is one. Connects to the gateway's database with the gateway's own settings (MONGO_URL, REDIS_URL,
// KAFKA_BROKERS, KEPU_PREFIX) and creates an ADMIN account with a generated initial password,
// printed once; its owner must change it at the first sign-in (POST /api/v1/auth/change-password).
//
//   npm run admin -- --account NAME --name 显示名 [--org sz] [--force]
//
// Refuses (exit 2) when an admin exists already, unless --force. For the local demo only
// (deploy/local/start.sh): --password kepu-demo --no-must-change, refused when NODE_ENV=production.
import { parseArgs } from "node:util";
import { topicFor } from "@kepu/bus";
import { Role } from "@kepu/contracts/common/v1/envelope_pb";
import { connectEngines } from "@kepu/engines";
import { isKepuError } from "@kepu/errors";
import { createLogger } from "@kepu/log";
import { Accounts } from "../src/auth/accounts.js";
import { configSchema } from "../src/config.js";
import { loadConfig } from "@kepu/config";

const usage = "用法 / usage: npm run admin -- --account NAME --name 显示名 [--org ORG_ID] [--force]";
const { values } = parseArgs({
  options: {
    account: { type: "string" },
    name: { type: "string" },
    org: { type: "string", default: "" },
    force: { type: "boolean", default: false },
    password: { type: "string" },
    "no-must-change": { type: "boolean", default: false },
  },
});
if (!values.account || !values.name) {
  console.error(usage);
  process.exit(1);
}
const config = loadConfig(
  configSchema.pick({ NODE_ENV: true, KAFKA_BROKERS: true, MONGO_URL: true, REDIS_URL: true, KEPU_PREFIX: true, SIGN_IN_MAX_FAILURES: true, SIGN_IN_FAILURE_WINDOW_SECONDS: true, SIGN_IN_LOCK_SECONDS: true }),
);
if ((values.password || values["no-must-change"]) && config.NODE_ENV === "production") {
  console.error("--password 与 --no-must-change 只用于本地演示 / --password and --no-must-change are for the local demo only, never in production");
  process.exit(1);
}

const engines = await connectEngines("gateway", config, { topics: [], redis: true }, createLogger({ service: "gateway-admin", level: "warn" }));
try {
  const accounts = new Accounts(engines.db!, engines.redis!, `${config.KEPU_PREFIX}kepu:gateway:`, { maxFailures: config.SIGN_IN_MAX_FAILURES, windowSeconds: config.SIGN_IN_FAILURE_WINDOW_SECONDS, lockSeconds: config.SIGN_IN_LOCK_SECONDS }, { topic: topicFor("registry", config.KEPU_PREFIX) }); // its StaffAccountCreated waits in the account for the gateway's relay
  if (!values.force && (await accounts.adminExists())) {
    console.error("已有管理员账号；如确需再建一个，请加 --force / an admin account exists already; add --force to create another");
    process.exitCode = 2;
  } else {
    // path []: no association reads or changes an admin account; only admins do.
    const made = await accounts.add({ account: values.account, displayName: values.name, role: Role.ADMIN, orgId: values.org, path: [], password: values.password, mustChangePassword: !values["no-must-change"], createdBy: "npm run admin" });
    console.log(`管理员账号已创建 / admin account created: ${made.account.account}`);
    if (values.password) console.log("密码为 --password 所给 / the password is the one given with --password");
    else console.log(`初始密码（只显示这一次，首次登录须修改）/ initial password (shown once; change it at the first sign-in): ${made.password}`);
  }
} catch (error) {
  console.error(isKepuError(error) ? `${error.zh} / ${error.en}` : error);
  process.exitCode = 1;
} finally {
  await engines.close();
}
