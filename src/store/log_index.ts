/**
 * The search index over every log of a profile (ours and Pidgin's, txt and
 * html, one-to-one chats and rooms): `<profile>/pidgin/search.sqlite`,
 * SQLite FTS5 through `node:sqlite`. It is derived from the logs and holds
 * none of their text (message offsets only), so deleting it loses nothing;
 * a damaged, unreadable or older index is rebuilt without being asked.
 *
 * Freshness: {@linkcode LogIndex.update} first compares the logs tree with
 * what the index knows (folder mtimes and the files that can still grow,
 * see _index_walk.ts), which costs a few hundred stat calls, and only when
 * something changed takes the update lock (one writer per profile, across
 * processes: `flock` on `search.sqlite.lock`) and indexes what is new.
 * Readers never wait for the writer and never see half an update (WAL,
 * one transaction per batch). Nothing here prints: progress goes to a
 * callback.
 */
import type { DatabaseSync } from "node:sqlite";
import { resolve } from "node:path";
import { StoreError, UsageError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";
import { withFileLock } from "./file_lock.ts";
import {
  indexPath,
  IndexReplaceNeeded,
  isDamage,
  openIndexDb,
  type Rebuilt,
  removeIndex,
} from "./_index_db.ts";
import {
  applyPlan,
  type IndexProgress,
  type UpdateStats,
} from "./_index_update.ts";
import { isEmptyPlan, planUpdate } from "./_index_walk.ts";
import {
  type IndexPage,
  type IndexQuery,
  searchIndex,
} from "./_index_search.ts";
import { parseQuery, type QueryNode } from "./_search_query.ts";

export type { IndexHit, IndexPage, IndexQuery } from "./_index_search.ts";
export type { IndexProgress, UpdateStats } from "./_index_update.ts";
export type { QueryNode } from "./_search_query.ts";
export type { Rebuilt } from "./_index_db.ts";

/** What {@linkcode LogIndex.update} did. */
export interface UpdateResult extends UpdateStats {
  /** Set when the index was built from nothing, and why. */
  rebuilt?: Rebuilt;
}

/** Options for {@linkcode LogIndex.update}. */
export interface UpdateOptions {
  onProgress?: (progress: IndexProgress) => void;
}

/** The search index of one profile. */
export interface LogIndex extends Disposable {
  /** The index file. */
  readonly path: string;
  /** Indexes what changed in the logs since the last update (nothing, usually). */
  update(options?: UpdateOptions): Promise<UpdateResult>;
  /**
   * One page of hits, newest first, from the index as it is (call
   * {@linkcode update} first); see {@linkcode parseSearchQuery}. An index
   * found damaged by the query is rebuilt, then the query runs again.
   */
  search(query: IndexQuery, options?: UpdateOptions): Promise<IndexPage>;
  close(): void;
}

/**
 * Parses a search query (words, `prefix*`, `"phrases"`, `OR`, `NOT`/`-`,
 * parentheses). Throws `UsageError` with a one-line reason.
 */
export function parseSearchQuery(text: string): QueryNode {
  return parseQuery(text);
}

/** Dead rows beyond this (and a quarter of all) make the next update rebuild the index. */
const MAX_DEAD = 200_000;

function damaged(path: string, err: unknown): StoreError {
  return new StoreError(`Cannot use the search index "${path}"`, {
    cause: err,
    hint: "Remove it; pidgin builds the index again from the logs",
  });
}

/** An expression FTS5 refuses as a UsageError; anything else as it is. */
function refused(err: unknown): unknown {
  if (err instanceof Error && /^fts5: /.test(err.message)) {
    return new UsageError(`Cannot search for this: ${err.message.slice(6)}`, {
      cause: err,
      hint:
        'Use words, prefix* and "quoted phrases", with OR, NOT and parentheses',
    });
  }
  return err;
}

/**
 * Opens the search index of the profile at `purpleDir`; nothing is read
 * or created until the first update or search.
 *
 * Requires read access to `<purpleDir>/logs` and read/write access to
 * `<purpleDir>/pidgin`.
 */
export function openLogIndex(
  purpleDir: string,
  options: { clock?: () => number } = {},
): LogIndex {
  const path = indexPath(purpleDir);
  const logs = resolve(purpleDir, "logs");
  const clock = options.clock ?? Date.now;
  let db: DatabaseSync | undefined;
  const close = () => {
    db?.close();
    db = undefined;
  };

  async function locked(
    onProgress: UpdateOptions["onProgress"],
    force: boolean,
  ): Promise<UpdateResult> {
    const timer = setTimeout(
      () =>
        onProgress?.({
          phase: "waiting",
          bytesDone: 0,
          bytesTotal: 0,
          files: 0,
        }),
      300,
    );
    try {
      return await withFileLock(path, async () => {
        clearTimeout(timer);
        close();
        if (force) removeIndex(path);
        let opened = openIndexDb(path, true);
        db = opened.db;
        let rebuilt = opened.rebuilt;
        const apply = async (into: DatabaseSync) =>
          applyPlan(
            into,
            purpleDir,
            await planUpdate(into, logs, clock()),
            clock(),
            onProgress,
          );
        try {
          const dead = Number(
            (db.prepare("SELECT value FROM meta WHERE key = 'dead'").get() as {
              value: number;
            }).value,
          );
          if (dead > MAX_DEAD) {
            const { n } = db.prepare("SELECT sum(n) AS n FROM spans").get() as {
              n: number;
            };
            if (dead * 4 > n) {
              close();
              removeIndex(path);
              // Mostly removed messages: built again, as routine, unannounced.
              opened = openIndexDb(path, true);
              db = opened.db;
              rebuilt = undefined;
            }
          }
          const stats = await apply(db);
          return { ...stats, rebuilt };
        } catch (err) {
          if (!isDamage(err) || rebuilt) throw err;
          close();
          removeIndex(path);
          opened = openIndexDb(path, true);
          db = opened.db;
          const stats = await apply(db);
          return { ...stats, rebuilt: "damaged" as const };
        }
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function update(options: UpdateOptions = {}): Promise<UpdateResult> {
    try {
      db ??= openIndexDb(path, false).db;
      if (isEmptyPlan(await planUpdate(db, logs, clock()))) {
        return { files: 0, bytes: 0, entries: 0 };
      }
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (!(err instanceof IndexReplaceNeeded) && !isDamage(err)) {
        throw fsError(`Cannot read the chat logs in "${logs}"`, err);
      }
    }
    try {
      return await locked(options.onProgress, false);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (isDamage(err)) throw damaged(path, err);
      throw err;
    }
  }

  return {
    path,
    update,
    async search(query, options = {}) {
      try {
        db ??= openIndexDb(path, false).db;
        return searchIndex(db!, logs, query);
      } catch (err) {
        if (!isDamage(err) && !(err instanceof IndexReplaceNeeded)) {
          throw refused(err);
        }
      }
      // Damaged in a way only a query shows: build it again, once.
      await locked(options.onProgress, true);
      try {
        return searchIndex(db!, logs, query);
      } catch (err) {
        if (isDamage(err)) throw damaged(path, err);
        throw refused(err);
      }
    },
    close,
    [Symbol.dispose]: close,
  };
}
