/**
 * What an update has to read: the files of changed conversation folders
 * that are new or differ from what the index knows, and the live files
 * that changed. Removed files and conversations are forgotten here; new
 * accounts, conversations and files get their rows (one transaction).
 */
import type { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileClock } from "./_entry_time.ts";
import {
  type ConvDir,
  LIVE_DAYS,
  LOG_FILE,
  type Plan,
  RACY_MS,
} from "./_index_walk.ts";
import { type IndexWriter, metaWords } from "./_index_write.ts";

export interface FileRow {
  id: number;
  name: string;
  ino: number;
  size: number;
  mtime: number;
  done: number;
  checksum: number;
  latest: number;
  last_start: number | null;
  last_id: number | null;
  lo: number | null;
  hi: number | null;
  live: number;
  closed: number;
}

export interface Work {
  /** The file's row, made before indexing starts for a new file. */
  id?: number;
  dir: ConvDir;
  conv: { id: number; meta: string };
  row?: FileRow;
  name: string;
  size: number;
  opened: number;
  live: boolean;
}

/** A folder name as the name it stands for: `%xx` escapes decoded, `.chat` (a room) taken off. */
export function decodeFolder(folder: string): string {
  const bare = folder.endsWith(".chat") ? folder.slice(0, -5) : folder;
  const bytes: number[] = [];
  for (let i = 0; i < bare.length; i++) {
    const hex = bare[i] === "%" ? bare.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(bare[i]!));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The files to read for `plan`, oldest first, and the folder mtimes to record after. */
export function collectWork(
  db: DatabaseSync,
  writer: IndexWriter,
  plan: Plan,
  now: number,
): { work: Work[]; convMtimes: [number, number][]; liveSince: number } {
  const accountIds = new Map<string, number>();
  const account = (dir: ConvDir): number => {
    const key = `${dir.protocol}\0${dir.account}`;
    let id = accountIds.get(key);
    if (id !== undefined) return id;
    db.prepare(
      "INSERT INTO accounts(protocol, folder, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(dir.protocol, dir.account, decodeFolder(dir.account));
    id = Number(
      (db.prepare("SELECT id FROM accounts WHERE protocol = ? AND folder = ?")
        .get(dir.protocol, dir.account) as { id: number }).id,
    );
    accountIds.set(key, id);
    return id;
  };
  const convs = new Map<string, { id: number; meta: string }>();
  const convOf = (dir: ConvDir) => {
    const key = `${dir.protocol}\0${dir.account}\0${dir.folder}`;
    const known = convs.get(key);
    if (known) return known;
    const acc = account(dir);
    const room = dir.folder.endsWith(".chat");
    db.prepare(
      "INSERT INTO convs(account, folder, name, room) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(acc, dir.folder, decodeFolder(dir.folder), room ? 1 : 0);
    const id = Number(
      (db.prepare("SELECT id FROM convs WHERE account = ? AND folder = ?")
        .get(acc, dir.folder) as { id: number }).id,
    );
    const conv = { id, meta: metaWords(id, room) };
    convs.set(key, conv);
    return conv;
  };
  const forgetFile = (
    row: { id: number; lo: number | null; hi: number | null },
  ) => {
    writer.forget(row.id, row.lo, row.hi);
    db.prepare("DELETE FROM files WHERE id = ?").run(row.id);
  };
  const racy = (mtime: number) => now - mtime < RACY_MS ? 0 : mtime;
  const liveSince = now - LIVE_DAYS * 86_400_000;

  // Conversations whose folder is gone.
  for (const conv of plan.gone) {
    for (
      const row of db.prepare("SELECT id, lo, hi FROM files WHERE conv = ?")
        .all(conv) as unknown as FileRow[]
    ) forgetFile(row);
    db.prepare("DELETE FROM convs WHERE id = ?").run(conv);
  }
  const work: Work[] = [];
  const convMtimes: [number, number][] = [];
  for (const dir of plan.dirs) {
    const conv = convOf(dir);
    const rows = new Map(
      (db.prepare("SELECT * FROM files WHERE conv = ?").all(
        conv.id,
      ) as unknown as FileRow[])
        .map((r) => [r.name, r]),
    );
    const found: { name: string; info: Deno.FileInfo }[] = [];
    try {
      for (const e of Deno.readDirSync(dir.path)) {
        if (!e.isFile || !LOG_FILE.test(e.name)) continue;
        try {
          found.push({
            name: e.name,
            info: Deno.lstatSync(join(dir.path, e.name)),
          });
        } catch {
          // removed meanwhile
        }
      }
    } catch {
      // The folder went away meanwhile: its files are forgotten below.
    }
    const newest = Math.max(0, ...found.map((f) => fileClock(f.name).opened));
    for (const { name, info } of found) {
      const row = rows.get(name);
      rows.delete(name);
      const mtime = info.mtime?.getTime() ?? 0;
      const opened = fileClock(name).opened;
      const live = mtime > liveSince || racy(mtime) === 0 ||
        (opened === newest && !row?.closed);
      if (
        row && row.size === info.size && row.mtime === mtime &&
        row.mtime !== 0 &&
        row.ino === (info.ino ?? 0)
      ) {
        if (Boolean(row.live) !== live) {
          db.prepare("UPDATE files SET live = ? WHERE id = ?").run(
            live ? 1 : 0,
            row.id,
          );
        }
        continue;
      }
      work.push({ dir, conv, row, name, size: info.size, opened, live });
    }
    for (const row of rows.values()) forgetFile(row);
    convMtimes.push([conv.id, racy(dir.mtime)]);
  }
  for (const { dir, file } of plan.files) {
    const row = db.prepare("SELECT * FROM files WHERE id = ?").get(file.id) as
      | FileRow
      | undefined;
    if (!row) continue;
    let size = 0;
    try {
      size = Deno.lstatSync(join(dir.path, file.name)).size;
    } catch {
      size = 0; // gone: indexing finds it missing and forgets it
    }
    work.push({
      dir,
      conv: convOf(dir),
      row,
      name: file.name,
      size,
      opened: fileClock(file.name).opened,
      live: true,
    });
  }
  work.sort((a, b) => a.opened - b.opened);
  // New files get their rows in one transaction, not one each.
  const addFile = db.prepare(
    "INSERT INTO files(conv, name, format) VALUES (?, ?, ?) RETURNING id",
  );
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const w of work) {
      if (w.row) continue;
      const format = w.name.endsWith(".txt") ? "txt" : "html";
      w.id = Number(
        (addFile.get(w.conv.id, w.name, format) as { id: number }).id,
      );
    }
    db.exec("COMMIT");
  } catch (err) {
    db.exec("ROLLBACK");
    throw err;
  }
  return { work, convMtimes, liveSince };
}
