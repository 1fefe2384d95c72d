/**
 * pidgin's own state in the profile directory (`<profile>/pidgin/`): JSON
 * files written atomically (temp file, fsync, rename) with owner-only
 * permissions, so a kill at any moment leaves either the old or the new file.
 * A damaged file (not JSON, too large, or refused by its reader's check) can
 * be set aside instead of failing every later run; read-modify-write goes
 * through {@linkcode withFileLock}.
 */
import { join } from "node:path";
import { StoreError } from "../errors.ts";
import { replaceFile } from "./_atomic_write.ts";
import { fsError } from "./_fs_error.ts";
import { withFileLock } from "./file_lock.ts";
import { folderName } from "./paths.ts";

export { openJsonDir } from "./_json_dir.ts";
export type { JsonDir } from "./_json_dir.ts";

/** The largest state file read (64 MiB); a larger one counts as damaged. */
export const MAX_JSON_FILE_BYTES = 64 * 1024 * 1024;

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
  return join(stateDir(purpleDir), folderName(account), ...parts);
}

/** Writes `data` as JSON to `file` atomically, mode 0600, creating directories 0700. */
export async function writeJsonFile(
  file: string,
  data: unknown,
): Promise<void> {
  try {
    await replaceFile(
      file,
      new TextEncoder().encode(JSON.stringify(data, null, 2) + "\n"),
    );
  } catch (err) {
    throw fsError(`Cannot write "${file}"`, err);
  }
}

/** What reading a JSON file found. */
export type JsonRead =
  | { kind: "missing" }
  | { kind: "damaged"; reason: string }
  | { kind: "ok"; data: unknown };

/**
 * Reads and parses a JSON file without throwing for its content: missing,
 * damaged (with why) or the data. `check` returns why parsed data is not
 * acceptable, or `undefined` when it is.
 */
export async function inspectJsonFile(
  file: string,
  check?: (data: unknown) => string | undefined,
): Promise<JsonRead> {
  let text: string;
  try {
    using handle = await Deno.open(file, { read: true });
    const { size } = await handle.stat();
    if (size > MAX_JSON_FILE_BYTES) {
      return {
        kind: "damaged",
        reason: `larger than ${MAX_JSON_FILE_BYTES / 1024 / 1024} MiB`,
      };
    }
    text = await new Response(handle.readable).text();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw fsError(`Cannot read "${file}"`, err);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: "damaged", reason: "not valid JSON" };
  }
  const problem = check?.(data);
  return problem === undefined
    ? { kind: "ok", data }
    : { kind: "damaged", reason: problem };
}

/** A damaged file that was moved out of the way. */
export interface SetAsideEvent {
  /** The path it had. */
  file: string;
  /** Where it is now: `<file>.damaged-<time>`. */
  movedTo: string;
  /** What was wrong with it. */
  reason: string;
}

/**
 * Renames a damaged `file` to `<file>.damaged-<UTC time>` (atomically, in
 * the same directory) and returns the new path, or `undefined` when the file
 * is already gone. Hold the file's lock when other processes may write it.
 */
export async function setAsideFile(file: string): Promise<string | undefined> {
  const stamp = new Date().toISOString().replace(/:/g, "-");
  let target = `${file}.damaged-${stamp}`;
  try {
    await Deno.lstat(target);
    target += `-${crypto.randomUUID().slice(0, 8)}`;
  } catch { /* free */ }
  try {
    await Deno.rename(file, target);
    return target;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(`Cannot set aside the damaged file "${file}"`, err);
  }
}

/** How {@linkcode readJsonFile} treats a damaged file. */
export interface ReadJsonOptions {
  /**
   * `"throw"` (default): a StoreError naming the file. `"set-aside"`: the
   * file is renamed `<file>.damaged-<time>`, `onSetAside` is told, and the
   * read returns `undefined` as for a missing file.
   */
  onDamaged?: "throw" | "set-aside";
  /** Why parsed data is not acceptable (`undefined` when it is); a reason makes the file damaged. */
  check?: (data: unknown) => string | undefined;
  /** Told once for each file set aside. */
  onSetAside?: (event: SetAsideEvent) => void;
}

/**
 * Reads a JSON file; `undefined` when it does not exist. With
 * `onDamaged: "set-aside"`, call it while holding the file's lock
 * ({@linkcode withFileLock}) when other processes may write the file.
 */
export async function readJsonFile(
  file: string,
  options: ReadJsonOptions = {},
): Promise<unknown> {
  const found = await inspectJsonFile(file, options.check);
  if (found.kind === "missing") return undefined;
  if (found.kind === "ok") return found.data;
  if (options.onDamaged !== "set-aside") {
    throw new StoreError(`Cannot read "${file}": ${found.reason}`, {
      hint: "Move the file away; pidgin will start a new one",
    });
  }
  const movedTo = await setAsideFile(file);
  if (movedTo !== undefined) {
    options.onSetAside?.({ file, movedTo, reason: found.reason });
  }
  return undefined;
}

/** One JSON state file shared by processes: lock-free reads, locked updates. */
export interface JsonFile {
  readonly path: string;
  /** The data, or `undefined` when missing (or damaged, then set aside). Never call it inside `update`. */
  read(): Promise<unknown>;
  /**
   * Read-modify-write under the file's lock: `fn` gets the current data
   * (re-read inside the lock; `undefined` when missing or set aside) and
   * returns what to write, or `undefined` to leave the file as it is.
   */
  update<T>(
    fn: (data: unknown) => Promise<{ data: unknown; result: T } | undefined>,
  ): Promise<T | undefined>;
  /** Replaces the file (under its lock). */
  write(data: unknown): Promise<void>;
}

/**
 * Opens a JSON state file whose damaged content is set aside (renamed
 * `<file>.damaged-<time>`, reported to `onSetAside`) rather than failing.
 *
 * Requires read/write access to the file's directory.
 */
export function openJsonFile(
  file: string,
  options: Omit<ReadJsonOptions, "onDamaged"> = {},
): JsonFile {
  const locked = { ...options, onDamaged: "set-aside" as const };
  return {
    path: file,
    async read() {
      const found = await inspectJsonFile(file, options.check);
      if (found.kind === "ok") return found.data;
      if (found.kind === "missing") return undefined;
      // Only set aside under the lock, after reading again: a writer may just have replaced it.
      return await withFileLock(file, () => readJsonFile(file, locked));
    },
    update(fn) {
      return withFileLock(file, async () => {
        const change = await fn(await readJsonFile(file, locked));
        if (change === undefined) return undefined;
        await writeJsonFile(file, change.data);
        return change.result;
      });
    },
    write(data) {
      return withFileLock(file, () => writeJsonFile(file, data));
    },
  };
}
