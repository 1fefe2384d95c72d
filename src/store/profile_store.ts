/**
 * Reading and updating Pidgin's `accounts.xml` and `blist.xml` in a profile
 * that Pidgin may be using at the same time. An update runs under the file's
 * lock ({@linkcode withFileLock}, on `<profile>/pidgin/<file>.lock`), reads the file right before it edits, and
 * replaces it only if it still holds what was read (else it starts again
 * from the new text); it keeps the previous file as `<file>.pidgin-bak` and
 * writes the new one atomically (temp file, fsync, rename), mode 0600 as
 * libpurple writes its files. A file that cannot be parsed is never
 * overwritten, and a symbolic link is followed only inside the profile.
 */
import { join, sep } from "node:path";
import { StoreError } from "../errors.ts";
import { replaceFile, writeTemp } from "./_atomic_write.ts";
import { fsError } from "./_fs_error.ts";
import { withFileLock } from "./file_lock.ts";
import { stateDir } from "./json_files.ts";
import { type AccountsXml, parseAccountsXml } from "./accounts_xml.ts";
import { type BlistXml, parseBlistXml } from "./blist_xml.ts";

/** Appended to a file's name for the copy of it kept before each rewrite (libpurple itself uses `.save` and `~`). */
export const BACKUP_SUFFIX = ".pidgin-bak";
/** The largest profile file read (32 MiB); Pidgin's are kilobytes. */
export const MAX_PROFILE_FILE_BYTES = 32 * 1024 * 1024;
/** How often an update starts again when another program replaced the file meanwhile. */
const ATTEMPTS = 5;

interface Kind<D> {
  name: string;
  what: string;
  parse(text: string): D;
}

const ACCOUNTS: Kind<AccountsXml> = {
  name: "accounts.xml",
  what: "Pidgin accounts",
  parse: parseAccountsXml,
};
const BLIST: Kind<BlistXml> = {
  name: "blist.xml",
  what: "Pidgin buddy list",
  parse: parseBlistXml,
};

async function realPathOf(path: string, kind: Kind<unknown>): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch (err) {
    throw fsError(`Cannot follow ${kind.what} "${path}", a symbolic link`, err);
  }
}

/** Where to read and write `name`: the file itself, or inside the profile what its symbolic link points at. */
async function target(purpleDir: string, kind: Kind<unknown>): Promise<string> {
  const path = join(purpleDir, kind.name);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return path;
    throw fsError(`Cannot read ${kind.what} "${path}"`, err);
  }
  if (!info.isSymlink) {
    if (info.isFile) return path;
    throw new StoreError(
      `Cannot read ${kind.what} "${path}": it is not a regular file`,
      {
        hint: "Move it out of the Pidgin profile, or pass --purple-dir",
      },
    );
  }
  const real = await realPathOf(path, kind);
  const dir = await realPathOf(purpleDir, kind);
  if (!real.startsWith(dir + sep)) {
    throw new StoreError(
      `Cannot use ${kind.what} "${path}": it is a symbolic link to "${real}", outside the profile`,
      { hint: "Replace the link with the file itself, or pass --purple-dir" },
    );
  }
  const info2 = await Deno.stat(real).catch((err) => {
    throw fsError(`Cannot read ${kind.what} "${path}"`, err);
  });
  if (!info2.isFile) {
    throw new StoreError(
      `Cannot read ${kind.what} "${path}": it is not a regular file`,
    );
  }
  return real;
}

async function readBytes(
  file: string,
  kind: Kind<unknown>,
): Promise<Uint8Array | undefined> {
  try {
    using handle = await Deno.open(file, { read: true });
    const { size } = await handle.stat();
    if (size > MAX_PROFILE_FILE_BYTES) {
      throw new StoreError(
        `Cannot read ${kind.what} "${file}": larger than ${
          MAX_PROFILE_FILE_BYTES / 1024 / 1024
        } MiB`,
        {
          hint:
            "This is not a file Pidgin wrote: move it away, or pass --purple-dir",
        },
      );
    }
    const bytes = new Uint8Array(
      await new Response(handle.readable).arrayBuffer(),
    );
    if (bytes.length > MAX_PROFILE_FILE_BYTES) {
      throw new StoreError(
        `Cannot read ${kind.what} "${file}": larger than ${
          MAX_PROFILE_FILE_BYTES / 1024 / 1024
        } MiB`,
      );
    }
    return bytes;
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw fsError(`Cannot read ${kind.what} "${file}"`, err);
  }
}

function parse<D>(
  kind: Kind<D>,
  path: string,
  bytes: Uint8Array | undefined,
): { doc: D; text: string } {
  let text = "";
  try {
    if (bytes) {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
        bytes,
      );
    }
  } catch (err) {
    throw damaged(kind, path, "not UTF-8 text", err);
  }
  try {
    return { doc: kind.parse(text), text };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw damaged(kind, path, err.message, err);
  }
}

function damaged(
  kind: Kind<unknown>,
  path: string,
  reason: string,
  cause: unknown,
): StoreError {
  return new StoreError(`Cannot read ${kind.what} "${path}": ${reason}`, {
    cause,
    hint:
      `pidgin does not change a file it cannot read: repair it or move it away (the version before pidgin's last change, if any, is "${path}${BACKUP_SUFFIX}")`,
  });
}

async function read<D>(kind: Kind<D>, purpleDir: string): Promise<D> {
  const file = await target(purpleDir, kind);
  return parse(kind, join(purpleDir, kind.name), await readBytes(file, kind))
    .doc;
}

function sameBytes(
  a: Uint8Array | undefined,
  b: Uint8Array | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function update<D extends { toString(): string }, T>(
  kind: Kind<D>,
  purpleDir: string,
  edit: (doc: D) => T | Promise<T>,
): Promise<T> {
  const path = join(purpleDir, kind.name);
  // The lock file lives in pidgin's own folder, not among Pidgin's files.
  return await withFileLock(join(stateDir(purpleDir), kind.name), async () => {
    for (let attempt = 1;; attempt++) {
      const file = await target(purpleDir, kind);
      const before = await readBytes(file, kind);
      const { doc, text } = parse(kind, path, before);
      const result = await edit(doc);
      const after = doc.toString();
      if (after === text) return result;
      let tmp: string | undefined;
      try {
        tmp = await writeTemp(file, new TextEncoder().encode(after));
        // Pidgin does not take our lock: replace only what was read.
        if (!sameBytes(await readBytes(file, kind), before)) {
          if (attempt < ATTEMPTS) continue;
          throw new StoreError(
            `Cannot update ${kind.what} "${path}": another program keeps changing it`,
            {
              hint: "Close Pidgin and retry",
            },
          );
        }
        if (before) await replaceFile(path + BACKUP_SUFFIX, before);
        await Deno.rename(tmp, file);
        tmp = undefined;
        return result;
      } catch (err) {
        if (err instanceof StoreError) throw err;
        throw fsError(`Cannot write ${kind.what} "${path}"`, err);
      } finally {
        if (tmp !== undefined) await Deno.remove(tmp).catch(() => {});
      }
    }
  });
}

/**
 * Reads `<purpleDir>/accounts.xml`; a missing file is one without accounts.
 * Throws StoreError (exit 3) naming the file and the line when it cannot be
 * read or parsed.
 *
 * Requires read access to the profile directory.
 */
export function readAccounts(purpleDir: string): Promise<AccountsXml> {
  return read(ACCOUNTS, purpleDir);
}

/**
 * Changes accounts.xml: `edit` gets the file as it is now and changes it;
 * nothing is written when it changes nothing. `edit` may run more than once
 * (when Pidgin replaced the file meanwhile), so it must only edit the
 * document. Returns what `edit` returns. Throws StoreError when the file
 * cannot be read, parsed (it is then left as it is) or written.
 *
 * Requires read and write access to the profile directory.
 */
export function updateAccounts<T>(
  purpleDir: string,
  edit: (doc: AccountsXml) => T | Promise<T>,
): Promise<T> {
  return update(ACCOUNTS, purpleDir, edit);
}

/**
 * Reads `<purpleDir>/blist.xml`; a missing file is an empty buddy list.
 * Throws StoreError as {@linkcode readAccounts} does.
 *
 * Requires read access to the profile directory.
 */
export function readBuddyList(purpleDir: string): Promise<BlistXml> {
  return read(BLIST, purpleDir);
}

/**
 * Changes blist.xml as {@linkcode updateAccounts} changes accounts.xml.
 *
 * Requires read and write access to the profile directory.
 */
export function updateBuddyList<T>(
  purpleDir: string,
  edit: (doc: BlistXml) => T | Promise<T>,
): Promise<T> {
  return update(BLIST, purpleDir, edit);
}
