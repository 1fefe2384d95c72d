/**
 * The search index's SQLite file, `<profile>/pidgin/search.sqlite` (0600,
 * WAL, so readers keep a consistent snapshot while one writer updates).
 * It is derived from the logs and holds none of their text: a file that is
 * damaged, of another schema version, or not a regular file is removed and
 * built again from the logs.
 *
 * - `fts`: FTS5, contentless (`content=''`), `detail=none` (document ids
 *   only: phrases are checked against the log text), `columnsize=0`. The
 *   rowid is the message's time in seconds, moved on to the next free
 *   second when taken, so newest-first is rowid order and a search stops
 *   after the hits it shows. Its own words (conversation, account, room)
 *   start with the private-use character `META`.
 * - `spans`: where each message is (file, byte offset, length, the txt
 *   record info, its time), a few bytes each, in runs (see _spans.ts). A
 *   removed message stays there marked removed, so its rowid (still in the
 *   FTS index, which cannot delete from a contentless table without the
 *   text) is never reused; `meta.dead` counts them.
 * - `accounts`, `convs` (folder, name, room, folder mtime), `files` (how
 *   far each is indexed and what it looked like then), and `live`, the
 *   files that may still grow, kept by triggers in a table of their own so
 *   the check for changes reads a few pages, not one per file.
 */
import { DatabaseSync } from "node:sqlite";
import { join, resolve } from "node:path";
import { fsError } from "./_fs_error.ts";
import { StoreError } from "../errors.ts";

/** Bumped whenever the tables or the tokenizer change: an older file is rebuilt. */
export const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE accounts(id INTEGER PRIMARY KEY, protocol TEXT NOT NULL,
  folder TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(protocol, folder));
CREATE TABLE convs(id INTEGER PRIMARY KEY AUTOINCREMENT, account INTEGER NOT NULL,
  folder TEXT NOT NULL, name TEXT NOT NULL, room INTEGER NOT NULL,
  mtime INTEGER NOT NULL DEFAULT 0, UNIQUE(account, folder));
CREATE TABLE files(id INTEGER PRIMARY KEY AUTOINCREMENT, conv INTEGER NOT NULL,
  name TEXT NOT NULL, format TEXT NOT NULL, ino INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0, mtime INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0, checksum INTEGER NOT NULL DEFAULT 0,
  latest INTEGER NOT NULL DEFAULT 0, last_start INTEGER, last_id INTEGER,
  lo INTEGER, hi INTEGER, live INTEGER NOT NULL DEFAULT 1,
  closed INTEGER NOT NULL DEFAULT 0,
  UNIQUE(conv, name));
CREATE TABLE live(file INTEGER PRIMARY KEY, conv INTEGER NOT NULL,
  name TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
  ino INTEGER NOT NULL);
CREATE TRIGGER files_live_insert AFTER INSERT ON files WHEN NEW.live = 1 BEGIN
  INSERT OR REPLACE INTO live VALUES (NEW.id, NEW.conv, NEW.name, NEW.size, NEW.mtime, NEW.ino);
END;
CREATE TRIGGER files_live_update AFTER UPDATE ON files BEGIN
  DELETE FROM live WHERE file = NEW.id AND NEW.live = 0;
  INSERT OR REPLACE INTO live SELECT NEW.id, NEW.conv, NEW.name, NEW.size, NEW.mtime, NEW.ino WHERE NEW.live = 1;
END;
CREATE TRIGGER files_live_delete AFTER DELETE ON files BEGIN
  DELETE FROM live WHERE file = OLD.id;
END;
CREATE TABLE spans(lo INTEGER PRIMARY KEY, hi INTEGER NOT NULL,
  file INTEGER, n INTEGER NOT NULL, data BLOB NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(b, content='', columnsize=0,
  detail=none, tokenize='unicode61 remove_diacritics 2');
INSERT INTO fts(fts, rank) VALUES('automerge', 8);
INSERT INTO fts(fts, rank) VALUES('hashsize', 67108864);
INSERT INTO meta(key, value) VALUES('dead', 0), ('swept', 0);
PRAGMA user_version = ${SCHEMA_VERSION};
`;

/** Where the index of a profile lives. */
export function indexPath(purpleDir: string): string {
  return join(resolve(purpleDir, "pidgin"), "search.sqlite");
}

/** True for an error that says the file is not a sound SQLite database. */
export function isDamage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { errcode?: number }).errcode;
  // SQLITE_CORRUPT, SQLITE_NOTADB (also as extended codes), FTS5's own words.
  return code !== undefined && [11, 26].includes(code & 0xff) ||
    /malformed|corrupt|not a database/i.test(err.message);
}

/** True for an error opening a file that is there but cannot be used: unreadable, read-only. */
function isUnusable(err: unknown): boolean {
  const code = (err as { errcode?: number }).errcode;
  // SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN
  return code !== undefined && [3, 8, 14].includes(code & 0xff);
}

/** Removes the index and its WAL files; missing ones are fine. */
export function removeIndex(path: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    try {
      Deno.removeSync(path + suffix);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw fsError(`Cannot remove the search index "${path + suffix}"`, err);
      }
    }
  }
}

/** Why the index was built afresh, if it was. */
export type Rebuilt = "new" | "damaged" | "unreadable" | "old-version";

/** Settings of a connection. WAL is set when the file is made (under the lock) and stays. */
function tune(db: DatabaseSync): void {
  db.exec(
    "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -8000; PRAGMA temp_store = MEMORY",
  );
}

function createSchema(db: DatabaseSync): void {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(SCHEMA);
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
}

function ensureFile(path: string): boolean {
  try {
    const info = Deno.lstatSync(path);
    if (info.isFile) return false;
    if (info.isDirectory) {
      throw new StoreError(
        `Cannot open the search index "${path}": it is a directory`,
        { hint: "Remove it; pidgin builds the index again from the logs" },
      );
    }
    Deno.removeSync(path); // a link or a device: ours to replace
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if (!(err instanceof Deno.errors.NotFound)) {
      throw fsError(`Cannot open the search index "${path}"`, err);
    }
  }
  try {
    Deno.mkdirSync(resolve(path, ".."), { recursive: true, mode: 0o700 });
    Deno.writeFileSync(path, new Uint8Array(), {
      mode: 0o600,
      createNew: true,
    });
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) {
      throw fsError(`Cannot create the search index "${path}"`, err);
    }
  }
  return true;
}

/**
 * Opens the index, creating it when missing and replacing it when it is
 * damaged or of another version. Call only while holding the update lock
 * when `mayReplace` is true; without it a damaged file throws.
 */
export function openIndexDb(
  path: string,
  mayReplace: boolean,
): { db: DatabaseSync; rebuilt?: Rebuilt } {
  const created = ensureFile(path);
  let db: DatabaseSync | undefined;
  let rebuilt: Rebuilt | undefined = created ? "new" : undefined;
  try {
    db = new DatabaseSync(path);
    tune(db);
    const version = Number(
      (db.prepare("PRAGMA user_version").get() as { user_version: number })
        .user_version,
    );
    if (version === 0) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema")
        .get() as { n: number };
      if (tables.n === 0) {
        if (!mayReplace) {
          db.close();
          throw new IndexReplaceNeeded("new");
        }
        createSchema(db);
        return { db, rebuilt: rebuilt ?? "new" };
      }
    }
    if (version === SCHEMA_VERSION) return { db, rebuilt };
    rebuilt = "old-version";
  } catch (err) {
    if (err instanceof IndexReplaceNeeded) throw err;
    db?.close();
    db = undefined;
    if (!isDamage(err) && (created || !isUnusable(err))) {
      throw new StoreError(`Cannot open the search index "${path}"`, {
        cause: err,
        hint: "Remove it; pidgin builds the index again from the logs",
      });
    }
    rebuilt = isDamage(err) ? "damaged" : "unreadable";
  }
  db?.close();
  if (!mayReplace) throw new IndexReplaceNeeded(rebuilt);
  removeIndex(path);
  ensureFile(path);
  const fresh = new DatabaseSync(path);
  tune(fresh);
  createSchema(fresh);
  return { db: fresh, rebuilt };
}

/** Thrown by {@linkcode openIndexDb} when the file must be replaced and the caller holds no lock. */
export class IndexReplaceNeeded extends Error {
  constructor(readonly reason: Rebuilt) {
    super(`The search index must be rebuilt (${reason})`);
    this.name = "IndexReplaceNeeded";
  }
}
