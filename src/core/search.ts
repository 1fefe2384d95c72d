/**
 * Full-text search over every log of the profile, the operation behind
 * `pidgin search` and interactive `/search`: brings the index up to date
 * (cheap when nothing changed), then returns one page of hits, newest
 * first, each with the message text read from its log file and the
 * ranges that matched. Text is returned as logged; the modes sanitise it
 * when they print it.
 */
import { UsageError } from "../errors.ts";
import type { EntryKind, IndexProgress, Rebuilt } from "../store/mod.ts";

/** The default and the largest page. */
export const SEARCH_LIMIT = { default: 20, max: 1000 } as const;

/** What to search for and where. */
export interface SearchRequest {
  /** Words, `prefix*`, `"quoted phrases"`, `OR`, `NOT`/`-word`, parentheses. */
  text: string;
  /** Only the conversation with this bare JID (a room's includes its private chats). */
  contact?: string;
  /** Only the logs of this account (bare JID). */
  account?: string;
  /** Only rooms. */
  room?: boolean;
  since?: Date;
  until?: Date;
  /** The `next` cursor of a previous page: only older hits. */
  before?: string;
  /** Hits per page (default 20). */
  limit?: number;
}

/** One message found. */
export interface SearchHit {
  /** This hit's place in newest-first order (a cursor). */
  id: string;
  account: string;
  /** The contact's bare JID, the room's JID, or `room/nick` for a private chat in a room. */
  conversation: string;
  room: boolean;
  time: Date;
  sender?: string;
  kind?: EntryKind;
  /** The message text as logged (html rendered), not sanitised. */
  body: string;
  /** The whole entry as Pidgin's viewer shows it. */
  text: string;
  /** Ranges of `body` (UTF-16 offsets, end exclusive) that matched. */
  matches: [number, number][];
  /** The log file (its name) and the entry's bytes in it. */
  file: string;
  offset: number;
  length: number;
  /** True when only the first 64 KiB of a longer entry were read. */
  truncated: boolean;
}

/** One page of hits. */
export interface SearchPage {
  hits: SearchHit[];
  /** Pass as `before` for the next (older) page; absent when there is none. */
  next?: string;
  /** Set when the index had to be built from nothing, and why. */
  rebuilt?: Rebuilt;
}

/** How to follow the index being brought up to date. */
export interface SearchOptions {
  onProgress?: (progress: IndexProgress) => void;
}

const DATE =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:?\d\d)?)?$/;

/**
 * Reads a `--since`/`--until` date: `2026-11-25`, `2026-11-25 18:30`,
 * `2026-11-25T18:30:00+01:00`, or `7d`/`2w` ago. A date alone is local
 * midnight, or with `end` the last second of that day. Throws UsageError.
 */
export function parseSearchDate(
  text: string,
  options: { end?: boolean; now?: Date; flag?: string } = {},
): Date {
  const flag = options.flag ?? (options.end ? "--until" : "--since");
  const ago = /^(\d{1,5})([dw])$/.exec(text);
  if (ago) {
    const days = Number(ago[1]) * (ago[2] === "w" ? 7 : 1);
    return new Date((options.now ?? new Date()).getTime() - days * 86_400_000);
  }
  const m = DATE.exec(text);
  const bad = () =>
    new UsageError(`Invalid ${flag} "${text}": expected a date`, {
      hint: "Pass for example 2026-11-25, 2026-11-25T18:30 or 7d",
    });
  if (!m) throw bad();
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let date: Date;
  if (m[4] === undefined) {
    date = options.end
      ? new Date(y, mo - 1, d, 23, 59, 59)
      : new Date(y, mo - 1, d);
  } else if (m[7] === undefined) {
    date = new Date(
      y,
      mo - 1,
      d,
      Number(m[4]),
      Number(m[5]),
      Number(m[6] ?? 0),
    );
  } else {
    date = new Date(text.replace(" ", "T"));
  }
  if (Number.isNaN(date.getTime()) || date.getMonth() !== mo - 1 && !m[7]) {
    throw bad();
  }
  return date;
}

function checkRequest(request: SearchRequest): number {
  if (request.text.trim() === "") {
    throw new UsageError("Cannot search: expected some text to search for", {
      hint: 'Pass words, prefix* or "a phrase"',
    });
  }
  const limit = request.limit ?? SEARCH_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT.max) {
    throw new UsageError(
      `Invalid limit "${limit}": expected a whole number from 1 to ${SEARCH_LIMIT.max}`,
    );
  }
  if (request.before !== undefined && !/^\d{1,15}$/.test(request.before)) {
    throw new UsageError(
      `Invalid cursor "${request.before}": expected the number a previous search printed`,
    );
  }
  if (request.since && request.until && request.since > request.until) {
    throw new UsageError("Cannot search: --since is after --until");
  }
  return limit;
}

/**
 * Searches the logs of the profile at `purpleDir`.
 *
 * Requires read access to `<purpleDir>/logs` and read/write access to
 * `<purpleDir>/pidgin` (the index).
 *
 * @example
 * ```ts
 * const page = await searchLogs(purpleDir, { text: '"printer jammed"', contact: "bob@example.com" });
 * for (const hit of page.hits) console.log(hit.time, hit.sender, hit.body);
 * ```
 */
export async function searchLogs(
  purpleDir: string,
  request: SearchRequest,
  options: SearchOptions = {},
): Promise<SearchPage> {
  const limit = checkRequest(request);
  const store = await import("../store/mod.ts");
  const node = store.parseSearchQuery(request.text);
  using index = store.openLogIndex(purpleDir);
  const { rebuilt } = await index.update({ onProgress: options.onProgress });
  const page = await index.search({
    node,
    contact: request.contact,
    account: request.account,
    room: request.room,
    since: request.since && Math.floor(request.since.getTime() / 1000),
    until: request.until && Math.floor(request.until.getTime() / 1000),
    before: request.before === undefined ? undefined : Number(request.before),
    limit,
  }, { onProgress: options.onProgress });
  return {
    hits: page.hits.map((h) => ({
      id: String(h.id),
      account: h.account,
      conversation: h.conversation,
      room: h.room,
      time: new Date(h.time * 1000),
      sender: h.sender,
      kind: h.kind,
      body: h.body,
      text: h.text,
      matches: h.matches,
      file: h.file,
      offset: h.offset,
      length: h.length,
      truncated: h.truncated,
    })),
    next: page.next === undefined ? undefined : String(page.next),
    rebuilt: rebuilt === "new" ? undefined : rebuilt,
  };
}
