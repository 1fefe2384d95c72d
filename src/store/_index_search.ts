/**
 * Runs a query on the index: FTS5 yields candidate messages newest first
 * (rowid order), each is read back from its log file at its offset, and
 * the query's own test decides phrases and finds the words to highlight.
 * Reads stop once a page is full, so a common word costs what one page
 * costs; a query that must check many candidates on their text stops after
 * {@linkcode CHECK_BUDGET} of them and returns a cursor to go on from.
 */
import type { DatabaseSync } from "node:sqlite";
import { join, resolve, sep } from "node:path";
import { bodyOf, MAX_TEXT, parseStored } from "./_log_scan.ts";
import type { EntryKind } from "./log_bounds.ts";
import { META } from "./_search_text.ts";
import { type SpanEntry, SpanLookup } from "./_spans.ts";
import {
  type Expand,
  matchText,
  needsCheck,
  type QueryNode,
  toFts,
} from "./_search_query.ts";

/** What to look for and where. */
export interface IndexQuery {
  node: QueryNode;
  /** Only this account's logs (a bare JID). */
  account?: string;
  /** Only this conversation (a bare JID; a room's includes its private chats). */
  contact?: string;
  /** Only rooms. */
  room?: boolean;
  /** Only messages at or after / at or before these instants, seconds since the epoch. */
  since?: number;
  until?: number;
  /** Only messages older than this cursor (from a previous page). */
  before?: number;
  limit: number;
}

/** One message found. */
export interface IndexHit {
  /** Where this hit stands in newest-first order; a cursor for `before`. */
  id: number;
  /** The account's bare JID, from its log folder. */
  account: string;
  protocol: string;
  /** The contact's bare JID, the room's JID, or `room/nick` for a private chat in a room. */
  conversation: string;
  room: boolean;
  /** The log file's name and the entry's bytes in it. */
  file: string;
  offset: number;
  length: number;
  /** When it was written, seconds since the epoch. */
  time: number;
  sender?: string;
  kind?: EntryKind;
  /** The message text (html rendered), as logged: not sanitised. */
  body: string;
  /** The whole entry as Pidgin's viewer shows it: `(time) Name: body`. */
  text: string;
  /** Ranges of `body` (UTF-16 offsets, end exclusive) that matched. */
  matches: [number, number][];
  /** True when the entry is longer than what was read of it. */
  truncated: boolean;
}

/** One page of hits, newest first. */
export interface IndexPage {
  hits: IndexHit[];
  /** Pass as `before` for the next page; absent when there is none. */
  next?: number;
}

/** At most this many candidates are read per page of a query that checks phrases. */
const CHECK_BUDGET = 2000;
/** How much later than its time a message's rowid can be (seconds taken by others). */
const SPILL = 86_400;
/** Filters naming more conversations than this are applied to rows only. */
const MAX_META_OR = 200;

const SAFE_NAME = /^(?!\.\.?$)[^/\0]+$/;

interface FileInfo {
  file: string;
  format: "txt" | "html";
  ino: number;
  conv: number;
  folder: string;
  name: string;
  room: number;
  afolder: string;
  account: string;
  protocol: string;
}

/** A prefix with more words than this is left to FTS5 to expand. */
const MAX_EXPANSION = 2000;

/** Lists the index's words starting with a prefix, from FTS5's vocabulary. */
function expander(db: DatabaseSync): Expand {
  db.exec(
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)",
  );
  const stmt = db.prepare(
    "SELECT term FROM temp.vocab WHERE term >= ? AND term < ? LIMIT ?",
  );
  return (prefix) => {
    const words =
      (stmt.all(prefix, `${prefix}\u{10ffff}`, MAX_EXPANSION + 1) as {
        term: string;
      }[]).map((r) => r.term);
    return words.length > MAX_EXPANSION ? undefined : words;
  };
}

/** Runs `q`. `logsDir` is `<profile>/logs`. */
export function searchIndex(
  db: DatabaseSync,
  logsDir: string,
  q: IndexQuery,
): IndexPage {
  const base = toFts(q.node, expander(db));
  if (base === undefined) return { hits: [] };
  let expr = `(${base})`;
  let convs: Set<number> | undefined;
  if (q.contact !== undefined || q.account !== undefined) {
    const conds: string[] = [];
    const args: string[] = [];
    if (q.contact !== undefined) {
      const c = q.contact.toLowerCase();
      conds.push(
        "(lower(c.name) = ? OR substr(lower(c.name), 1, length(?) + 1) = ? || '/')",
      );
      args.push(c, c, c);
    }
    if (q.account !== undefined) {
      conds.push("lower(a.name) = ?");
      args.push(q.account.toLowerCase());
    }
    const ids = (db.prepare(
      `SELECT c.id FROM convs c JOIN accounts a ON a.id = c.account WHERE ${
        conds.join(" AND ")
      }`,
    ).all(...args) as { id: number }[]).map((r) => Number(r.id));
    if (ids.length === 0) return { hits: [] };
    convs = new Set(ids);
    if (ids.length <= MAX_META_OR) {
      expr += ` AND (${ids.map((id) => `"${META}c${id}"`).join(" OR ")})`;
    }
  }
  if (q.room) expr += ` AND "${META}r"`;
  const lowest = Math.max(0, q.since ?? 0);
  let before = Math.min(
    q.before ?? Number.MAX_SAFE_INTEGER,
    q.until === undefined ? Number.MAX_SAFE_INTEGER : q.until + SPILL + 1,
  );
  const check = needsCheck(q.node);
  const chunk = check ? Math.max(64, q.limit * 2) : q.limit + 1;
  const stmt = db.prepare(
    "SELECT rowid AS id FROM fts WHERE fts MATCH ? AND rowid < ? AND rowid >= ? ORDER BY rowid DESC LIMIT ?",
  );
  const fileStmt = db.prepare(
    `SELECT fl.name AS file, fl.format, fl.ino, c.id AS conv, c.folder, c.name, c.room, a.folder AS afolder, a.name AS account, a.protocol
     FROM files fl JOIN convs c ON c.id = fl.conv JOIN accounts a ON a.id = c.account WHERE fl.id = ?`,
  );
  const files = new Map<number, FileInfo | undefined>();
  const spans = new SpanLookup(db);
  const hits: IndexHit[] = [];
  const reader = new EntryReader(logsDir);
  let examined = 0;
  try {
    while (hits.length <= q.limit) {
      const ids = stmt.all(expr, before, lowest, chunk) as { id: number }[];
      for (const { id } of ids) {
        before = Number(id);
        examined++;
        const found = spans.find(before);
        if (!found) continue;
        const { entry } = found;
        if (q.since !== undefined && entry.time < q.since) continue;
        if (q.until !== undefined && entry.time > q.until) continue;
        let info = files.get(found.file);
        if (!files.has(found.file)) {
          info = fileStmt.get(found.file) as FileInfo | undefined;
          files.set(found.file, info);
        }
        if (!info || (convs && !convs.has(Number(info.conv)))) continue;
        if (q.room && info.room !== 1) continue;
        const hit = reader.read({ ...info, ...entry }, q.node, check);
        if (hit) hits.push(hit);
        if (hits.length > q.limit) break;
      }
      if (ids.length < chunk) break;
      if (check && examined >= CHECK_BUDGET && hits.length <= q.limit) {
        return { hits, next: before };
      }
    }
  } finally {
    reader.close();
  }
  if (hits.length > q.limit) {
    hits.length = q.limit;
    return { hits, next: hits[q.limit - 1]!.id };
  }
  return { hits };
}

type Row = FileInfo & SpanEntry;

/** Reads entries back from their files, each file opened once. */
class EntryReader {
  #logs: string;
  #open = new Map<string, Deno.FsFile | null>();
  constructor(logsDir: string) {
    this.#logs = resolve(logsDir);
  }

  #file(row: Row): Deno.FsFile | null {
    const parts = [row.protocol, row.afolder, row.folder, row.file];
    const path = join(this.#logs, ...parts);
    let file = this.#open.get(path);
    if (file !== undefined) return file;
    file = null;
    if (
      parts.every((p) => SAFE_NAME.test(p)) && path.startsWith(this.#logs + sep)
    ) {
      try {
        const there = Deno.lstatSync(path);
        if (there.isFile && (there.ino ?? 0) === row.ino) {
          file = Deno.openSync(path, { read: true });
        }
      } catch {
        file = null;
      }
    }
    this.#open.set(path, file);
    return file;
  }

  read(row: Row, node: QueryNode, check: boolean): IndexHit | undefined {
    const file = this.#file(row);
    if (!file) return undefined;
    const want = Math.min(row.len, MAX_TEXT);
    if (row.off + row.len > 2 ** 32) return undefined;
    const bytes = new Uint8Array(want);
    let got = 0;
    try {
      file.seekSync(row.off, Deno.SeekMode.Start);
      while (got < want) {
        const n = file.readSync(bytes.subarray(got));
        if (n === null) break;
        got += n;
      }
    } catch {
      return undefined;
    }
    if (got < want) return undefined; // the file shrank: the next update reindexes it
    const entry = parseStored(
      bytes,
      row.format,
      row.info || null,
      row.off,
      row.len,
    );
    if (!entry) return undefined;
    const body = bodyOf(entry);
    const match = matchText(node, body);
    if (check && !match.ok) return undefined;
    return {
      id: row.id,
      account: row.account,
      protocol: row.protocol,
      conversation: row.name,
      room: row.room === 1,
      file: row.file,
      offset: row.off,
      length: row.len,
      time: row.time,
      sender: entry.name,
      kind: entry.kind,
      body,
      text: entry.text,
      matches: match.ranges,
      truncated: row.len > MAX_TEXT,
    };
  }

  close(): void {
    for (const f of this.#open.values()) f?.close();
    this.#open.clear();
  }
}
