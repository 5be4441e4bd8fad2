// The archive: one .tar.gz of a folder of JSON-lines files and a manifest that names every file
// with its size and SHA-256, so a damaged or edited archive is refused before anything is restored.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import * as tar from "tar";
import { fail, kepuError, ok, type Result } from "@kepu/errors";

export const manifestFile = "manifest.json";
export const archiveFormat = "kepu-backup/1";

export interface FileEntry {
  bytes: number;
  sha256: string;
}

/** A folder the parts of a backup are written into (and read back from), removed by `dispose()`. */
export class Workdir {
  private constructor(readonly root: string) {}

  static async create(): Promise<Workdir> {
    return new Workdir(await mkdtemp(join(tmpdir(), "kepu-backup-")));
  }

  path(name: string): string {
    return join(this.root, name);
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await mkdir(dirname(this.path(name)), { recursive: true });
    await writeFile(this.path(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  async readJson<T>(name: string): Promise<T> {
    return JSON.parse(await readFile(this.path(name), "utf8")) as T;
  }

  /** A file written one line at a time, waiting when the disk is slower than the reader. */
  async lines(name: string): Promise<LineWriter> {
    await mkdir(dirname(this.path(name)), { recursive: true });
    return new LineWriter(createWriteStream(this.path(name)));
  }

  /** The lines of a file, one at a time. */
  readLines(name: string): AsyncIterable<string> {
    return createInterface({ input: createReadStream(this.path(name)), crlfDelay: Infinity });
  }

  /** Every file below the root (but the manifest) with its size and SHA-256. */
  async inventory(): Promise<Record<string, FileEntry>> {
    const entries: Record<string, FileEntry> = {};
    for (const file of (await walk(this.root)).sort()) {
      const name = relative(this.root, file);
      if (name !== manifestFile) entries[name] = await describe(file);
    }
    return entries;
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export class LineWriter {
  constructor(private readonly stream: WriteStream) {}

  async write(line: string): Promise<void> {
    if (!this.stream.write(`${line}\n`)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, "finish");
  }
}

/** Packs the folder into one gzipped tar file. */
export async function pack(work: Workdir, file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const names = await readdir(work.root);
  await tar.create({ gzip: true, file, cwd: work.root, portable: true }, names.sort());
}

/**
 * Unpacks an archive into a new folder and checks it against its manifest: the format, and every
 * file present with the size and SHA-256 written at backup time — nothing missing, nothing extra.
 */
export async function unpack<M extends { format: string; files: Record<string, FileEntry> }>(file: string): Promise<Result<{ work: Workdir; manifest: M }>> {
  const found = await stat(file).catch(() => undefined);
  if (!found?.isFile()) return fail(kepuError("not_found", "BACKUP_NOT_FOUND", `找不到备份文件 ${file}`, `no backup file at ${file}`));
  const work = await Workdir.create();
  const checked = await check<M>(file, work);
  if ("zh" in checked) {
    await work.dispose();
    return fail(kepuError("invalid", "BACKUP_DAMAGED", checked.zh, checked.en));
  }
  return ok({ work, manifest: checked.manifest });
}

async function check<M extends { format: string; files: Record<string, FileEntry> }>(file: string, work: Workdir): Promise<{ manifest: M } | { zh: string; en: string }> {
  try {
    await tar.extract({ file, cwd: work.root, strict: true });
  } catch (error) {
    return { zh: `不是有效的 .tar.gz 备份：${(error as Error).message}`, en: `not a readable .tar.gz backup: ${(error as Error).message}` };
  }
  const manifest = await work.readJson<M>(manifestFile).catch(() => undefined);
  if (!manifest) return { zh: "备份中没有 manifest.json", en: "the archive has no manifest.json" };
  if (manifest.format !== archiveFormat) return { zh: `备份格式 ${manifest.format} 不受支持（需要 ${archiveFormat}）`, en: `format ${manifest.format} is not ${archiveFormat}` };
  const actual = await work.inventory();
  const names = new Set([...Object.keys(actual), ...Object.keys(manifest.files)]);
  const wrong = [...names].filter((name) => actual[name]?.sha256 !== manifest.files[name]?.sha256 || actual[name]?.bytes !== manifest.files[name]?.bytes);
  if (wrong.length > 0) {
    const first = wrong.slice(0, 5).join(", ");
    return { zh: `备份已损坏或被改动，与清单不符的文件：${first}`, en: `the archive is damaged or was changed: ${wrong.length} file(s) differ from the manifest, first ${first}` };
  }
  return { manifest };
}

async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

async function describe(file: string): Promise<FileEntry> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest("hex") };
}
