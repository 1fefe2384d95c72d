/**
 * Archive catch-up on every connect that is not a resume: everything our
 * archive holds after the caller's cursor (the archive id of the last
 * archived message it logged), oldest first, paging by archive id; on a
 * first start (no cursor), or when the archive no longer knows the cursor,
 * the newest messages of a bounded window. Pages go to the message handler
 * before the live messages held back meanwhile.
 */
import { AppError } from "../errors.ts";
import type { Delivery } from "./_delivery.ts";
import { type Archive, ArchiveError } from "./mam.ts";
import type { CatchUpEvent, CatchUpOptions, ChatMessage } from "./types.ts";

const DEFAULT_LIMIT = 100_000;
const PAGE = 100;

/** What catch-up needs from the session. */
export interface CatchUpDeps {
  catchUp: CatchUpOptions;
  archive: Archive;
  delivery: Delivery;
  /** The hold on live messages to release when done. */
  hold: number;
  emit(event: CatchUpEvent): void;
}

/** When catch-up runs over a session's connects. */
export interface CatchUpSchedule {
  /** A connection is being made: live messages wait from now on. */
  connecting(): void;
  /** It is ready: catch up (not after a resume, unless the last one broke off). */
  ready(resumed: boolean): void;
}

/** Schedules catch-up for a session; without `catchUp` it only keeps the order. */
export function scheduleCatchUp(
  deps: Omit<CatchUpDeps, "catchUp" | "hold"> & { catchUp?: CatchUpOptions },
): CatchUpSchedule {
  let hold = 0;
  let pending = false;
  return {
    connecting() {
      hold = deps.delivery.holdLive();
    },
    ready(resumed) {
      const { catchUp } = deps;
      if (!catchUp || (resumed && !pending)) {
        return deps.delivery.releaseLive(hold);
      }
      pending = false;
      runCatchUp({ ...deps, catchUp, hold }).then((finished) => {
        if (!finished) pending = true;
      });
    },
  };
}

/**
 * Runs one catch-up and releases the held live messages, whatever happens.
 * Resolves false when the connection failed under it (try again on the
 * next connect, even a resume).
 */
export async function runCatchUp(d: CatchUpDeps): Promise<boolean> {
  const limit = d.catchUp.limit ?? DEFAULT_LIMIT;
  let count = 0;
  let truncated = false;

  async function forward(after: string): Promise<string> {
    let last = after;
    let total = 0;
    for await (
      const page of d.archive.query({ after, max: limit, pageSize: PAGE })
    ) {
      total += page.length;
      count += await d.delivery.page(page);
      last = page.at(-1)!.stanzaId ?? last;
    }
    if (total >= limit) truncated = true;
    return last;
  }

  async function window(): Promise<string | undefined> {
    const { max, sinceMs } = d.catchUp.window;
    if (max <= 0) return undefined;
    // Newest first; receipts and the like are results too, so read on until
    // `max` chat messages (within a bound on results).
    const pages: ChatMessage[][] = [];
    let have = 0;
    const query = d.archive.query({
      before: true,
      start: new Date(Date.now() - sinceMs),
      max: max * 4 + PAGE,
      pageSize: PAGE,
    });
    for await (const page of query) {
      pages.push(page);
      have += page.length;
      if (have >= max) break;
    }
    const newest = pages.reverse().flat().slice(-max);
    for (let i = 0; i < newest.length; i += PAGE) {
      count += await d.delivery.page(newest.slice(i, i + PAGE));
    }
    return newest.at(-1)?.stanzaId;
  }

  try {
    const cursor = await d.catchUp.after();
    let last: string | undefined;
    if (cursor !== undefined) {
      try {
        last = await forward(cursor);
      } catch (err) {
        // The archive no longer has the cursor (expired, or another server).
        if (
          !(err instanceof ArchiveError && err.condition === "item-not-found")
        ) {
          throw err;
        }
        last = await window();
      }
    } else {
      last = await window();
    }
    // Live messages left to the archive while too many were held: read on.
    while (d.delivery.takeOverflow() && last !== undefined && !truncated) {
      last = await forward(last);
    }
    d.emit(
      truncated
        ? {
          count,
          outcome: "failed",
          reason: new ArchiveError(
            `Catch-up stopped after ${limit} messages; the rest follows on the next connect`,
          ),
        }
        : { count, outcome: "done" },
    );
    return true;
  } catch (err) {
    if (err instanceof ArchiveError && err.noArchive) {
      d.emit({ count, outcome: "skipped", reason: err });
      return true;
    }
    const reason = err instanceof AppError ? err : new ArchiveError(
      `Cannot catch up with the archive: ${
        err instanceof Error ? err.message : String(err)
      }`,
      undefined,
      { cause: err },
    );
    d.emit({ count, outcome: "failed", reason });
    return err instanceof ArchiveError;
  } finally {
    d.delivery.releaseLive(d.hold);
  }
}
