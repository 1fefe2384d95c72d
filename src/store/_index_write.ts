/**
 * Writes scanned entries into the index in batches, one transaction each,
 * so a reader sees a file's messages and how far it is indexed change
 * together, and a crash loses at most the batch being written.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { META } from "./_search_text.ts";
import type { ScanChunk } from "./_scan_file.ts";
import {
  decodeSpan,
  encodeSpan,
  SPAN_ENTRIES,
  SPAN_EXTENT,
  takenNear,
} from "./_spans.ts";

/** Where a file's indexing stands; written with the batch holding its entries. */
export interface FileState {
  id: number;
  ino: number;
  size: number;
  mtime: number;
  done: number;
  checksum: number;
  latest: number;
  lastStart: number | null;
  lastId: number | null;
  lo: number | null;
  hi: number | null;
  live: boolean;
  /** An html log that ends with Pidgin's footer. */
  closed?: boolean;
}

interface Pending {
  file: number;
  meta: string;
  id: number;
  start: number;
  end: number;
  time: number;
  info: number;
  /** The text to index as a JSON string literal. */
  lit: string;
}

/** A batch is written once it holds this much text or this many entries. */
const BATCH_TEXT = 24 << 20;
const BATCH_ENTRIES = 200_000;

/** Collects entries and file states; {@linkcode flush} writes them. */
export class IndexWriter {
  #db: DatabaseSync;
  #pending: Pending[] = [];
  #text = 0;
  #states = new Map<number, FileState>();
  #tombstones: { file: number; lo: number; hi: number }[] = [];
  #insertSpan: StatementSync;
  #insertFts: StatementSync;
  #updateFile: StatementSync;
  #tombstone: StatementSync;
  #deadCount: StatementSync;
  #addDead: StatementSync;
  /** Entries written so far. */
  written = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insertSpan = db.prepare(
      "INSERT INTO spans(lo, hi, file, n, data) VALUES (?, ?, ?, ?, ?)",
    );
    this.#insertFts = db.prepare(
      "INSERT INTO fts(rowid, b) SELECT value->>0, value->>1 FROM json_each(?)",
    );
    this.#updateFile = db.prepare(
      "UPDATE files SET ino = ?, size = ?, mtime = ?, done = ?, checksum = ?, latest = ?, last_start = ?, last_id = ?, lo = ?, hi = ?, live = ?, closed = ? WHERE id = ?",
    );
    this.#deadCount = db.prepare(
      "SELECT coalesce(sum(n), 0) AS n FROM spans WHERE lo BETWEEN ? AND ? AND file = ?",
    );
    this.#tombstone = db.prepare(
      "UPDATE spans SET file = NULL WHERE lo BETWEEN ? AND ? AND file = ?",
    );
    this.#addDead = db.prepare(
      "UPDATE meta SET value = value + ? WHERE key = 'dead'",
    );
  }

  /** Marks every indexed message of a file removed (it changed, shrank or is gone). */
  forget(file: number, lo: number | null, hi: number | null): void {
    if (lo !== null && hi !== null) this.#tombstones.push({ file, lo, hi });
  }

  /** Queues a chunk of entries of `file`; `meta` holds the index's own words for its conversation. */
  add(file: number, meta: string, chunk: ScanChunk): void {
    const { nums, lits } = chunk;
    for (let i = 0; i < lits.length; i++) {
      this.#pending.push({
        file,
        meta,
        id: 0,
        start: nums[i * 4]!,
        end: nums[i * 4 + 1]!,
        time: nums[i * 4 + 2]!,
        info: nums[i * 4 + 3]!,
        lit: lits[i]!,
      });
    }
    this.#text += chunk.textLength;
  }

  /** Records where a file stands once the queued entries are written. */
  setState(state: FileState): void {
    this.#states.set(state.id, state);
  }

  get full(): boolean {
    return this.#text >= BATCH_TEXT || this.#pending.length >= BATCH_ENTRIES;
  }

  /** Marks the one message `id` of `file` removed; returns 1 when it was indexed. */
  #forgetOne(file: number, id: number): number {
    const row = this.#db.prepare(
      "SELECT lo, data FROM spans WHERE lo BETWEEN ? AND ? AND hi >= ? AND file = ?",
    ).all(id - SPAN_EXTENT, id, id, file) as { lo: number; data: Uint8Array }[];
    for (const span of row) {
      const entries = decodeSpan(span.lo, span.data);
      const e = entries.find((x) => x.id === id);
      if (!e || e.len === 0) continue;
      e.len = 0;
      this.#db.prepare("UPDATE spans SET data = ? WHERE lo = ?").run(
        encodeSpan(entries),
        span.lo,
      );
      return 1;
    }
    return 0;
  }

  /** Stores entries (sorted by rowid) as spans, per file. */
  #writeSpans(entries: Pending[]): void {
    const byFile = new Map<number, Pending[]>();
    for (const e of entries) {
      const list = byFile.get(e.file);
      if (list) list.push(e);
      else byFile.set(e.file, [e]);
    }
    for (const [file, list] of byFile) {
      let i = 0;
      while (i < list.length) {
        let j = i + 1;
        while (
          j < list.length && j - i < SPAN_ENTRIES &&
          list[j]!.id - list[i]!.id < SPAN_EXTENT
        ) j++;
        const part = list.slice(i, j);
        this.#insertSpan.run(
          part[0]!.id,
          part.at(-1)!.id,
          file,
          part.length,
          encodeSpan(part.map((e) => ({
            id: e.id,
            off: e.start,
            len: e.end - e.start,
            info: e.info,
            time: Math.min(e.time, e.id),
          }))),
        );
        i = j;
      }
    }
  }

  /** Writes what is queued in one transaction. */
  flush(): void {
    if (
      this.#pending.length === 0 && this.#states.size === 0 &&
      this.#tombstones.length === 0
    ) return;
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      let dead = 0;
      for (const t of this.#tombstones) {
        if (t.lo === t.hi) {
          dead += this.#forgetOne(t.file, t.lo);
          continue;
        }
        dead += Number(
          (this.#deadCount.get(t.lo, t.hi, t.file) as { n: number }).n,
        );
        this.#tombstone.run(t.lo, t.hi, t.file);
      }
      if (dead) this.#addDead.run(dead);
      const ids = this.#assign();
      for (const state of this.#states.values()) {
        const range = ids.get(state.id);
        const lo = range ? Math.min(range[0], state.lo ?? Infinity) : state.lo;
        const hi = range ? Math.max(range[1], state.hi ?? -Infinity) : state.hi;
        const last = range?.[2];
        state.lo = lo;
        state.hi = hi;
        if (last) {
          state.lastStart = last.start;
          state.lastId = last.id;
        }
        this.#updateFile.run(
          state.ino,
          state.size,
          state.mtime,
          state.done,
          state.checksum,
          state.latest,
          state.lastStart,
          state.lastId,
          lo,
          hi,
          state.live ? 1 : 0,
          state.closed ? 1 : 0,
          state.id,
        );
      }
      db.exec("COMMIT");
    } catch (err) {
      db.exec("ROLLBACK");
      throw err;
    } finally {
      this.written += this.#pending.length;
      this.#pending = [];
      this.#text = 0;
      this.#states.clear();
      this.#tombstones = [];
    }
  }

  /**
   * Gives each queued entry a free rowid at or after its time, inserts the
   * rows, then the text in rowid order (FTS5 writes a segment whenever a
   * rowid goes down). Returns, per file, the lowest and highest rowid and
   * its last entry.
   */
  #assign(): Map<number, [number, number, { start: number; id: number }]> {
    const entries = this.#pending;
    entries.sort((a, b) =>
      a.time - b.time || a.file - b.file || a.start - b.start
    );
    let prev = 0;
    for (const e of entries) {
      e.id = Math.max(Math.max(1, e.time), prev + 1);
      prev = e.id;
    }
    const taken = takenNear(this.#db, entries.map((e) => e.id));
    prev = 0;
    for (const e of entries) {
      e.id = Math.max(Math.max(1, e.time), prev + 1);
      while (taken.has(e.id)) e.id++;
      prev = e.id;
    }
    this.#writeSpans(entries);
    const CHUNK = 20_000;
    entries.sort((a, b) => a.id - b.id);
    // The JSON of [rowid, text] pairs, spliced: each text is already a JSON
    // literal, and the conversation's words (ASCII and META) need no escapes.
    let json = "";
    let count = 0;
    let size = 0;
    for (const e of entries) {
      json += `${count ? "," : "["}[${e.id},${e.lit.slice(0, -1)} ${e.meta}"]`;
      size += e.lit.length;
      if (++count >= CHUNK || size >= 4 << 20) {
        this.#insertFts.run(json + "]");
        json = "";
        count = 0;
        size = 0;
      }
    }
    if (count) this.#insertFts.run(json + "]");
    const ranges = new Map<
      number,
      [number, number, { start: number; id: number }]
    >();
    for (const e of entries) {
      const r = ranges.get(e.file);
      if (!r) ranges.set(e.file, [e.id, e.id, { start: e.start, id: e.id }]);
      else {
        r[0] = Math.min(r[0], e.id);
        r[1] = Math.max(r[1], e.id);
        if (e.start > r[2].start) r[2] = { start: e.start, id: e.id };
      }
    }
    return ranges;
  }
}

/**
 * The index's own words for a conversation: its id, and whether it is a
 * room. (An account is searched as the list of its conversations.)
 */
export function metaWords(conv: number, room: boolean) {
  return `${META}c${conv}${room ? ` ${META}r` : ""}`;
}
