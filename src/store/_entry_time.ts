/**
 * When a logged entry was written, as an instant. A line carries only the
 * time of day (`06:18:07 PM`, `18:18:07`), or the date too when it was more
 * than 20 minutes old (`11/25/2026 04:20:16 PM`, `11/24/26 11:24:48`); the
 * day and the zone come from the file's name (`2026-11-25.181807+0100CET`).
 */

const DAY = 86_400;
/** How far an undated line may lie before the latest one (a room's history, a clock set back). */
const SLACK = 30 * 60;

const FILE_STAMP =
  /^(\d{4})-(\d\d)-(\d\d)\.(\d\d)(\d\d)(\d\d)(?:([+-])(\d\d)(\d\d))?/;
const LINE_TIME =
  /^(?:(\d\d?)\/(\d\d?)\/(\d\d(?:\d\d)?) )?(\d\d?):(\d\d):(\d\d)(?: ([AP]M))?$/;

/** What a file's name says about its entries' times. */
export interface FileClock {
  /** When the file was opened, in seconds since the epoch (0 when the name holds no date). */
  opened: number;
  /** Seconds east of UTC of the zone the file was written in. */
  offset: number;
}

/** Reads the opening time and zone from a log file's name. */
export function fileClock(name: string): FileClock {
  const m = FILE_STAMP.exec(name);
  if (!m) return { opened: 0, offset: 0 };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
  const offset = m[7]
    ? (Number(m[8]) * 3600 + Number(m[9]) * 60) * (m[7] === "-" ? -1 : 1)
    : -new Date(wall * 1000).getTimezoneOffset() * 60;
  return { opened: Math.max(0, wall - offset), offset };
}

/**
 * Turns entries' timestamps into instants, in the order they stand in one
 * file: an undated line is the first instant with its time of day that is
 * not more than {@linkcode SLACK} before the latest instant so far, so a
 * conversation going past midnight moves on to the next day.
 */
export class EntryClock {
  #offset: number;
  /** The latest instant so far (seconds), where the next undated line is placed from. */
  latest: number;

  constructor(clock: FileClock, latest = clock.opened) {
    this.#offset = clock.offset;
    this.latest = latest;
  }

  /** The instant of a timestamp as written (without parentheses); `latest` when it cannot be read. */
  at(stamp: string | undefined): number {
    const m = stamp === undefined ? null : LINE_TIME.exec(stamp);
    if (!m) return this.latest;
    let hour = Number(m[4]) % (m[7] ? 12 : 24);
    if (m[7] === "PM") hour += 12;
    const tod = hour * 3600 + Number(m[5]) * 60 + Number(m[6]);
    if (m[1] !== undefined) {
      const y = Number(m[3]);
      const year = m[3]!.length === 4 ? y : y < 70 ? 2000 + y : 1900 + y;
      const midnight = Date.UTC(year, Number(m[1]) - 1, Number(m[2])) / 1000;
      return Math.max(0, midnight - this.#offset + tod);
    }
    const local = this.latest + this.#offset - SLACK;
    const dayStart = Math.floor(local / DAY) * DAY;
    let wall = dayStart + tod;
    if (wall < local) wall += DAY;
    const instant = Math.max(0, wall - this.#offset);
    if (instant > this.latest) this.latest = instant;
    return instant;
  }
}
