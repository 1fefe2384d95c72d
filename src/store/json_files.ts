/**
 * pidgin's own state in the profile directory (`<profile>/pidgin/`): JSON
 * files written atomically (temp file, fsync, rename) with owner-only
 * permissions, so a kill at any moment leaves either the old or the new file.
 */
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";
import { escapeFilename } from "./paths.ts";

/** Where pidgin keeps its own files inside a profile. */
export function stateDir(purpleDir: string): string {
  return join(purpleDir, "pidgin");
}

/** A path under the account's own folder of pidgin state: `<profile>/pidgin/<account>/<parts…>`. */
export function accountStatePath(
  purpleDir: string,
  account: string,
  ...parts: string[]
): string {
  return join(stateDir(purpleDir), escapeFilename(account), ...parts);
}

/** Writes `data` as JSON to `file` atomically, mode 0600, creating directories 0700. */
export async function writeJsonFile(
  file: string,
  data: unknown,
): Promise<void> {
  const dir = file.slice(0, file.lastIndexOf("/"));
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const handle = await Deno.open(tmp, {
      write: true,
      createNew: true,
      mode: 0o600,
    });
    try {
      await handle.write(
        new TextEncoder().encode(JSON.stringify(data, null, 2) + "\n"),
      );
      await handle.sync();
    } finally {
      handle.close();
    }
    await Deno.rename(tmp, file);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw fsError(`Cannot write "${file}"`, err);
  }
}

/** Reads a JSON file; `undefined` when it does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(`Cannot read "${file}"`, err);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StoreError(`Cannot read "${file}": not valid JSON`, {
      cause: err,
      hint: "Move the file away; pidgin will start a new one",
    });
  }
}

/** A directory of JSON records, one file each, listed in name order. */
export interface JsonDir {
  /** Every record as `[name, data]`, in name order; leftover temp files are ignored. */
  list(): Promise<[string, unknown][]>;
  put(name: string, data: unknown): Promise<void>;
  remove(name: string): Promise<void>;
}

/** Opens (lazily creates) a directory of JSON records. */
export function openJsonDir(dir: string): JsonDir {
  const pathOf = (name: string) => {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
      throw new StoreError(`Invalid record name "${name}"`);
    }
    return join(dir, `${name}.json`);
  };
  return {
    async list() {
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
        const data = await readJsonFile(pathOf(name));
        if (data !== undefined) records.push([name, data]);
      }
      return records;
    },
    put(name, data) {
      return writeJsonFile(pathOf(name), data);
    },
    async remove(name) {
      try {
        await Deno.remove(pathOf(name));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return;
        throw fsError(`Cannot remove "${pathOf(name)}"`, err);
      }
    },
  };
}
