/**
 * The timestamps Pidgin puts in log file names and lines, as glibc's
 * strftime prints them in the C and en_US locales. Local time comes from a
 * {@linkcode ZoneNames}: the platform's zone, or a POSIX `TZ` rule V8 cannot
 * read (see zone_names.ts).
 */
import { escapeFilename } from "./paths.ts";

/** Which strftime flavour to mimic; see {@linkcode localeFromEnv}. */
export type LogLocale = "C" | "en_US";

/** The local time zone: what `localtime`, `%z` and `%Z` need. */
export interface ZoneNames {
  /** Abbreviation for an instant, e.g. `CET` or `CEST`; "" when unknown. */
  abbreviation(date: Date): string;
  /** Offset east of UTC at an instant, in seconds (`tm_gmtoff`). */
  offset(date: Date): number;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];

function pad(n: number, width = 2, fill = "0"): string {
  return String(n).padStart(width, fill);
}

/**
 * Picks the strftime flavour from `LC_ALL`, `LC_TIME` and `LANG`, the way the
 * C library does: an English (US) locale gives 12-hour times, anything else
 * the C locale's formats.
 */
export function localeFromEnv(env: {
  LC_ALL?: string;
  LC_TIME?: string;
  LANG?: string;
}): LogLocale {
  const value = env.LC_ALL || env.LC_TIME || env.LANG || "C";
  return value.startsWith("en_US") ? "en_US" : "C";
}

/** `%z`: the local UTC offset as `+0100` (seconds of an offset are dropped, as glibc does). */
export function formatOffset(date: Date, zone: ZoneNames): string {
  const seconds = zone.offset(date);
  const minutes = Math.trunc(Math.abs(seconds) / 60);
  return `${seconds < 0 ? "-" : "+"}${pad(Math.floor(minutes / 60))}${
    pad(minutes % 60)
  }`;
}

/** The local wall-clock time as a Date whose UTC fields are the local ones. */
function local(date: Date, zone: ZoneNames): Date {
  return new Date(date.getTime() + zone.offset(date) * 1000);
}

function time12(t: Date): string {
  const h = t.getUTCHours() % 12 || 12;
  const ampm = t.getUTCHours() < 12 ? "AM" : "PM";
  return `${pad(h)}:${pad(t.getUTCMinutes())}:${
    pad(t.getUTCSeconds())
  } ${ampm}`;
}

function time24(t: Date): string {
  return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${
    pad(t.getUTCSeconds())
  }`;
}

/** `%X`: the time of day. */
export function formatTime(
  date: Date,
  locale: LogLocale,
  zone: ZoneNames,
): string {
  const t = local(date, zone);
  return locale === "en_US" ? time12(t) : time24(t);
}

/** `%x %X`: date and time, used for lines older than 20 minutes. */
export function formatDateTime(
  date: Date,
  locale: LogLocale,
  zone: ZoneNames,
): string {
  const t = local(date, zone);
  const m = pad(t.getUTCMonth() + 1);
  const d = pad(t.getUTCDate());
  const y = locale === "en_US"
    ? String(t.getUTCFullYear())
    : pad(t.getUTCFullYear() % 100);
  return `${m}/${d}/${y} ${locale === "en_US" ? time12(t) : time24(t)}`;
}

/** `%c`: the header's full date, e.g. `Wed 25 Nov 2026 06:18:07 PM CET`. */
export function formatHeaderDate(
  date: Date,
  locale: LogLocale,
  zone: ZoneNames,
): string {
  const t = local(date, zone);
  const day = DAYS[t.getUTCDay()];
  const month = MONTHS[t.getUTCMonth()];
  if (locale === "en_US") {
    const abbr = zone.abbreviation(date);
    return `${day} ${pad(t.getUTCDate())} ${month} ${t.getUTCFullYear()} ${
      time12(t)
    }${abbr ? ` ${abbr}` : ""}`;
  }
  return `${day} ${month} ${pad(t.getUTCDate(), 2, " ")} ${
    time24(t)
  } ${t.getUTCFullYear()}`;
}

/**
 * `%Y-%m-%d.%H%M%S%z` and the escaped `%Z`: the stem of a log file name.
 * libpurple passes `%Z` through `purple_escape_filename` (log.c,
 * `purple_log_common_writer`), so `<+0530>` zones give `+0530%2b0530`.
 */
export function formatFileStamp(date: Date, zone: ZoneNames): string {
  const t = local(date, zone);
  const abbr = zone.abbreviation(date);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${
    pad(t.getUTCDate())
  }.${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}${
    formatOffset(date, zone)
  }${abbr ? escapeFilename(abbr) : ""}`;
}
