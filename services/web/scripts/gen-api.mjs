// The web app's typed API client from the gateway's OpenAPI: the document (composed without engines
// by services/gateway/bin/openapi.ts) → src/api/openapi.json, openapi-typescript → src/api/schema.d.ts
// (binary bodies and answers — photos, exports — typed as Blob).
//
//   node scripts/gen-api.mjs          writes both (pnpm --filter @kepu/web gen:api)
//   node scripts/gen-api.mjs --check  writes nothing; exits 1 when the committed files are stale (npm test)
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import ts from "typescript";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = { spec: "src/api/openapi.json", types: "src/api/schema.d.ts" };
const check = process.argv.includes("--check");

const temp = mkdtempSync(join(tmpdir(), "kepu-gen-api-"));
let spec;
try {
  const out = join(temp, "openapi.json");
  execFileSync(process.execPath, ["--import", "tsx", join(web, "../gateway/bin/openapi.ts"), out], { cwd: web, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_NO_WARNINGS: "1" } });
  spec = readFileSync(out, "utf8");
} finally {
  rmSync(temp, { recursive: true, force: true });
}
const blob = ts.factory.createTypeReferenceNode("Blob");
const ast = await openapiTS(JSON.parse(spec), { transform: (schema) => (schema.format === "binary" ? blob : undefined) });
const fresh = { spec, types: `${COMMENT_HEADER}${astToString(ast)}` };

const stale = Object.keys(files).filter((part) => readOr(join(web, files[part])) !== fresh[part]);
if (check) {
  if (stale.length > 0) {
    console.error(`生成的 API 类型已过期 / the generated API client is stale: ${stale.map((part) => `services/web/${files[part]}`).join(", ")}`);
    console.error("请运行并提交 / run and commit: pnpm --filter @kepu/web gen:api");
    process.exit(1);
  }
  console.error("API 类型与网关的 OpenAPI 一致 / the typed API client matches the gateway's OpenAPI");
} else {
  for (const part of stale) writeFileSync(join(web, files[part]), fresh[part]);
  console.error(stale.length > 0 ? `已更新 / updated: ${stale.map((part) => files[part]).join(", ")}` : "已是最新 / up to date");
}

function readOr(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
