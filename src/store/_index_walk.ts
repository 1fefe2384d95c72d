/**
 * What the index must look at again, found cheaply: the folders of the
 * logs tree (`logs/<protocol>/<account>/<conversation>/`) are listed and
 * each conversation folder's mtime compared (a file added, removed or
 * renamed changes it), and the files that may still grow are stat'ed: the
 * newest of each conversation and any written in the last
 * {@linkcode LIVE_DAYS} days, since Pidgin and pidgin only ever append to a
 * conversation's open files. Once a day every file is compared. Symbolic
 * links below `logs/` are never followed.
 */
import type { DatabaseSync } from "node:sqlite";
import { join } from "node:path";

/** A file written this recently may still be appended to. */
export const LIVE_DAYS = 14;
/** How often every file is compared, not only the live ones. */
export const SWEEP_MS = 24 * 3600_000;
/** An mtime this close to when it was read may still change within the same tick. */
export const RACY_MS = 2000;

export const LOG_FILE = /\.(txt|html?)$/;

/** A conversation folder on disk. */
export interface ConvDir {
  protocol: string;
  account: string;
  folder: string;
  path: string;
  mtime: number;
}

/** A file row the index keeps stat'ing. */
export interface LiveFile {
  id: number;
  conv: number;
  name: string;
  size: number;
  mtime: number;
  ino: number;
}

/** What changed since the index last looked. */
export interface Plan {
  /** Conversation folders to list again (new, changed, or all on a sweep). */
  dirs: ConvDir[];
  /** Live files that changed, in folders that did not. */
  files: { dir: ConvDir; convId: number; file: LiveFile }[];
  /** Conversations whose folder is gone. */
  gone: number[];
  sweep: boolean;
}

function listDirs(path: string): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  try {
    for (const e of Deno.readDirSync(path)) {
      if (e.isDirectory && !e.isSymlink) {
        out.push({ name: e.name, path: join(path, e.name) });
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    if (err instanceof Deno.errors.NotADirectory) return [];
    throw err;
  }
  return out;
}

function mtimeOf(info: Deno.FileInfo): number {
  return info.mtime?.getTime() ?? 0;
}

/** Every conversation folder of the profile's logs. `.system` folders hold no conversation. */
export function walkLogs(logsDir: string): ConvDir[] {
  const dirs: ConvDir[] = [];
  for (const protocol of listDirs(logsDir)) {
    for (const account of listDirs(protocol.path)) {
      for (const conv of listDirs(account.path)) {
        if (conv.name === ".system") continue;
        let info: Deno.FileInfo;
        try {
          info = Deno.lstatSync(conv.path);
        } catch {
          continue; // removed meanwhile
        }
        dirs.push({
          protocol: protocol.name,
          account: account.name,
          folder: conv.name,
          path: conv.path,
          mtime: mtimeOf(info),
        });
      }
    }
  }
  return dirs;
}

export function convKey(protocol: string, account: string, folder: string) {
  return `${protocol}\0${account}\0${folder}`;
}

/**
 * Compares the logs tree with what the index knows; reads and stats,
 * writes nothing. The live files are stat'ed one after the other while
 * that is fast (their inodes are cached); when the first few show the
 * disk has to be read, the rest are stat'ed all at once, which lets the
 * disk serve them in parallel.
 */
export async function planUpdate(
  db: DatabaseSync,
  logsDir: string,
  now: number,
): Promise<Plan> {
  const known = new Map<string, { id: number; mtime: number }>();
  for (
    const row of db.prepare(
      "SELECT c.id, c.folder, c.mtime, a.protocol, a.folder AS account FROM convs c JOIN accounts a ON a.id = c.account",
    ).all() as {
      id: number;
      folder: string;
      mtime: number;
      protocol: string;
      account: string;
    }[]
  ) {
    known.set(convKey(row.protocol, row.account, row.folder), row);
  }
  const swept = Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'swept'").get() as {
      value: number;
    } | undefined)?.value ?? 0,
  );
  const sweep = now - swept > SWEEP_MS;
  const live = new Map<number, LiveFile[]>();
  if (!sweep) {
    for (
      const f of db.prepare(
        "SELECT file AS id, conv, name, size, mtime, ino FROM live",
      ).all() as unknown as LiveFile[]
    ) {
      const list = live.get(f.conv) ?? [];
      list.push(f);
      live.set(f.conv, list);
    }
  }
  const plan: Plan = { dirs: [], files: [], gone: [], sweep };
  const seen = new Set<number>();
  const checks: { dir: ConvDir; convId: number; file: LiveFile }[] = [];
  for (const dir of walkLogs(logsDir)) {
    const row = known.get(convKey(dir.protocol, dir.account, dir.folder));
    if (row) seen.add(row.id);
    if (sweep || !row || row.mtime !== dir.mtime || row.mtime === 0) {
      plan.dirs.push(dir);
      continue;
    }
    for (const file of live.get(row.id) ?? []) {
      checks.push({ dir, convId: row.id, file });
    }
  }
  const changed = (
    c: (typeof checks)[number],
    info: Deno.FileInfo | undefined,
  ) => {
    const { file } = c;
    if (
      !info?.isFile || info.size !== file.size ||
      mtimeOf(info) !== file.mtime || (info.ino ?? 0) !== file.ino ||
      file.mtime === 0
    ) plan.files.push(c);
  };
  const started = performance.now();
  let i = 0;
  for (; i < checks.length; i++) {
    if (i === 16 && performance.now() - started > 2) break; // a cold cache
    const c = checks[i]!;
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.lstatSync(join(c.dir.path, c.file.name));
    } catch {
      info = undefined;
    }
    changed(c, info);
  }
  const rest = checks.slice(i);
  const infos = await Promise.all(
    rest.map((c) =>
      Deno.lstat(join(c.dir.path, c.file.name)).catch(() => undefined)
    ),
  );
  rest.forEach((c, k) => changed(c, infos[k]));
  for (const row of known.values()) {
    if (!seen.has(row.id)) plan.gone.push(row.id);
  }
  return plan;
}

/** True when the plan finds nothing to do. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.dirs.length === 0 && plan.files.length === 0 &&
    plan.gone.length === 0 && !plan.sweep;
}
