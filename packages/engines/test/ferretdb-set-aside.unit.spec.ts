// deploy/local/ferretdb/set-aside.py: a database file cut short while FerretDB created it (no table
// at all) made `engines.sh start` fail for good; it is moved aside, and a database with data stays.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../../deploy/local/ferretdb/set-aside.py", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "kepu-set-aside-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sqlite = (path: string, sql: string) => execFileSync("python3", ["-c", "import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()", path, sql]);

it("moves aside only the database files that hold no table, with their -wal and -shm", () => {
  const data = join(root, "data");
  mkdirSync(data);
  sqlite(join(data, "tcut_kepu_events.sqlite"), "pragma user_version = 1;"); // a page of header, no table
  writeFileSync(join(data, "tcut_kepu_events.sqlite-shm"), "");
  sqlite(join(data, "tgood_kepu_events.sqlite"), "create table _ferretdb_collections (name text); insert into _ferretdb_collections values ('activities');");
  writeFileSync(join(data, "notes.txt"), "not a database");

  const moved = execFileSync("python3", [script, data], { encoding: "utf8" });

  expect(moved.trim().split("\n")).toEqual(["tcut_kepu_events.sqlite"]);
  expect(existsSync(join(root, "set-aside", "tcut_kepu_events.sqlite"))).toBe(true);
  expect(existsSync(join(root, "set-aside", "tcut_kepu_events.sqlite-shm"))).toBe(true);
  expect(existsSync(join(data, "tcut_kepu_events.sqlite"))).toBe(false);
  expect(existsSync(join(data, "tgood_kepu_events.sqlite"))).toBe(true);
  expect(existsSync(join(data, "notes.txt"))).toBe(true);
}, 60_000); // three python processes: seconds on a busy machine
