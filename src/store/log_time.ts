/**
 * The timestamps Pidgin puts in log file names and lines, as glibc's
 * strftime prints them in the C and en_US locales, with the time zone
 * abbreviation (`CET`, `EST`) taken from the system's tz database.
 */

/** Which strftime flavour to mimic; see {@linkcode localeFromEnv}. */
export type LogLocale = "C" | "en_US";

/** Local time zone facts needed for `%z` and `%Z`. */
export interface ZoneNames {
  /** Abbreviation for an instant, e.g. `CET` or `CEST`; "" when unknown. */
  abbreviation(date: Date): string;
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

/** `%z`: the local UTC offset as `+0100`. */
export function formatOffset(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

function time12(date: Date): string {
  const h = date.getHours() % 12 || 12;
  const ampm = date.getHours() < 12 ? "AM" : "PM";
  return `${pad(h)}:${pad(date.getMinutes())}:${
    pad(date.getSeconds())
  } ${ampm}`;
}

function time24(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${
    pad(date.getSeconds())
  }`;
}

/** `%X`: the time of day. */
export function formatTime(date: Date, locale: LogLocale): string {
  return locale === "en_US" ? time12(date) : time24(date);
}

/** `%x %X`: date and time, used for lines older than 20 minutes. */
export function formatDateTime(date: Date, locale: LogLocale): string {
  const m = pad(date.getMonth() + 1);
  const d = pad(date.getDate());
  const y = locale === "en_US"
    ? String(date.getFullYear())
    : pad(date.getFullYear() % 100);
  return `${m}/${d}/${y} ${formatTime(date, locale)}`;
}

/** `%c`: the header's full date, e.g. `Wed 25 Nov 2026 06:18:07 PM CET`. */
export function formatHeaderDate(
  date: Date,
  locale: LogLocale,
  zone: ZoneNames,
): string {
  const day = DAYS[date.getDay()];
  const month = MONTHS[date.getMonth()];
  if (locale === "en_US") {
    const abbr = zone.abbreviation(date);
    return `${day} ${pad(date.getDate())} ${month} ${date.getFullYear()} ${
      time12(date)
    }${abbr ? ` ${abbr}` : ""}`;
  }
  return `${day} ${month} ${pad(date.getDate(), 2, " ")} ${
    time24(date)
  } ${date.getFullYear()}`;
}

/** `%Y-%m-%d.%H%M%S%z%Z`: the stem of a log file name. */
export function formatFileStamp(date: Date, zone: ZoneNames): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${
    pad(date.getDate())
  }.${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${
    formatOffset(date)
  }${zone.abbreviation(date)}`;
}
