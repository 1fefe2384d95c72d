/**
 * A directory of JSON records, one file each, with a `rejected/` folder for
 * records that cannot be used, so one bad record never blocks the others.
 */
import { join } from "node:path";
import { fsError } from "./_fs_error.ts";
import { withFileLock } from "./file_lock.ts";
import { inspectJsonFile, writeJsonFile } from "./json_files.ts";

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** A directory of JSON records, one file each, listed in name order. */
export interface JsonDir {
  /**
   * Every record as `[name, data]`, in name order. A record that is not
   * JSON, or whose file name is not a valid record name, comes as an
   * `Error` saying why (pass its name to `reject`). Temp and lock files
   * are ignored.
   */
  list(): Promise<[string, unknown][]>;
  /** One record (`undefined` when gone, an `Error` when damaged). */
  get(name: string): Promise<unknown>;
  put(name: string, data: unknown): Promise<void>;
  /** Removes a record; resolves to whether it was there. */
  remove(name: string): Promise<boolean>;
  /** Runs `fn` holding the record's lock, in this process and across processes. */
  lock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Moves a record to `rejected/` (an atomic rename) and returns its new
   * path and name there, or `undefined` when it was already gone.
   */
  reject(name: string): Promise<{ path: string; name: string } | undefined>;
  /** The records in `rejected/`, as `list()` gives them. */
  listRejected(): Promise<[string, unknown][]>;
  /** The path of a record in `rejected/`. */
  rejectedPath(name: string): string;
  /** Deletes a rejected record; resolves to whether it was there. */
  removeRejected(name: string): Promise<boolean>;
}

function checkedName(name: string): string {
  if (!NAME.test(name)) {
    throw new RangeError(`Invalid record name "${name.slice(0, 200)}"`);
  }
  return name;
}

async function listIn(dir: string): Promise<[string, unknown][]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".json")) {
        names.push(entry.name.slice(0, -5));
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(`Cannot read "${dir}"`, err);
  }
  names.sort();
  const records: [string, unknown][] = [];
  for (const name of names) {
    if (!NAME.test(name)) {
      records.push([name, new Error("its file name is not a record name")]);
      continue;
    }
    const found = await inspectJsonFile(join(dir, `${name}.json`));
    if (found.kind === "ok") records.push([name, found.data]);
    if (found.kind === "damaged") records.push([name, new Error(found.reason)]);
  }
  return records;
}

async function removeFile(file: string): Promise<boolean> {
  try {
    await Deno.remove(file);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw fsError(`Cannot remove "${file}"`, err);
  }
}

/** Opens (lazily creates) a directory of JSON records. */
export function openJsonDir(dir: string): JsonDir {
  const rejectedDir = join(dir, "rejected");
  const pathOf = (name: string) => join(dir, `${checkedName(name)}.json`);
  // Names from list() may be invalid record names; they are still plain file names.
  const rawPathOf = (name: string) => {
    if (name.includes("/") || name.includes("\0")) {
      throw new RangeError(`Invalid record name "${name.slice(0, 200)}"`);
    }
    return join(dir, `${name}.json`);
  };
  return {
    list: () => listIn(dir),
    async get(name) {
      const found = await inspectJsonFile(pathOf(name));
      if (found.kind === "missing") return undefined;
      return found.kind === "ok" ? found.data : new Error(found.reason);
    },
    put(name, data) {
      return writeJsonFile(pathOf(name), data);
    },
    async remove(name) {
      const file = pathOf(name);
      const removed = await removeFile(file);
      // Record names are never reused, so a waiter on this lock finds the record gone.
      await removeFile(`${file}.lock`).catch(() => false);
      return removed;
    },
    lock(name, fn) {
      return withFileLock(rawPathOf(name), fn);
    },
    async reject(name) {
      const from = rawPathOf(name);
      let target = NAME.test(name)
        ? name
        : `invalid-${name.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 150)}`;
      try {
        await Deno.mkdir(rejectedDir, { recursive: true, mode: 0o700 });
        try {
          await Deno.lstat(join(rejectedDir, `${target}.json`));
          target += `-${crypto.randomUUID().slice(0, 8)}`;
        } catch { /* free */ }
        const to = join(rejectedDir, `${target}.json`);
        await Deno.rename(from, to);
        await removeFile(`${from}.lock`).catch(() => false);
        return { path: to, name: target };
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw fsError(`Cannot move "${from}" to "${rejectedDir}"`, err);
      }
    },
    listRejected: () => listIn(rejectedDir),
    rejectedPath: (name) => join(rejectedDir, `${name}.json`),
    removeRejected(name) {
      return removeFile(join(rejectedDir, `${checkedName(name)}.json`));
    },
  };
}
