/**
 * Time zone abbreviations (`CET`, `CEST`, `EST`) as the C library prints them
 * for `%Z`. JavaScript's Intl gives `GMT+1` for Berlin, so the names come from
 * the POSIX rule at the end of the tz database file (RFC 8536, section 3.3).
 */
import type { ZoneNames } from "./log_time.ts";

interface PosixRule {
  std: string;
  /** Standard offset east of UTC, in minutes. */
  stdOffset: number;
  dst?: string;
}

const NAME = String.raw`(<[^>]+>|[A-Za-z]+)`;
const OFFSET = String.raw`([+-]?\d{1,2}(?::\d{2}){0,2})`;
const RULE = new RegExp(`^${NAME}${OFFSET}${NAME}?`);

function unquote(name: string): string {
  return name.startsWith("<") ? name.slice(1, -1) : name;
}

/** Parses the names and standard offset of a POSIX TZ rule such as `CET-1CEST,M3.5.0,M10.5.0/3`. */
export function parsePosixRule(rule: string): PosixRule | undefined {
  const match = RULE.exec(rule.trim());
  if (!match) return undefined;
  const [hours = "0", minutes = "0"] = match[2]!.replace(/^[+-]/, "").split(
    ":",
  );
  const west = Number(hours) * 60 + Number(minutes);
  return {
    std: unquote(match[1]!),
    stdOffset: match[2]!.startsWith("-") ? west : 0 - west, // 0 - 0 is +0, -0 is not
    dst: match[3] ? unquote(match[3]) : undefined,
  };
}

/** Reads the POSIX rule from the footer of a TZif file. */
export function ruleFromTzif(bytes: Uint8Array): PosixRule | undefined {
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== "TZif" || bytes.length < 2) return undefined;
  const end = bytes.at(-1) === 0x0a ? bytes.length - 1 : bytes.length;
  const start = bytes.lastIndexOf(0x0a, end - 1);
  if (start < 0) return undefined;
  return parsePosixRule(
    new TextDecoder().decode(bytes.subarray(start + 1, end)),
  );
}

/** Builds {@linkcode ZoneNames} from a parsed rule (or none: no abbreviation). */
export function zoneNamesFromRule(rule: PosixRule | undefined): ZoneNames {
  return {
    abbreviation(date: Date): string {
      if (!rule) return "";
      const offset = -date.getTimezoneOffset();
      return offset === rule.stdOffset || !rule.dst ? rule.std : rule.dst;
    },
  };
}

/**
 * Loads the local zone's names: the file named by `TZ` (a path or a zone
 * name under /usr/share/zoneinfo), else /etc/localtime. Unknown zones give no
 * abbreviation, which Pidgin's log reader accepts.
 *
 * Requires read access to /etc/localtime and /usr/share/zoneinfo.
 */
export async function loadZoneNames(
  tz: string | undefined,
): Promise<ZoneNames> {
  const name = tz?.replace(/^:/, "");
  const file = !name
    ? "/etc/localtime"
    : name.startsWith("/")
    ? name
    : `/usr/share/zoneinfo/${name}`;
  if (name && !name.startsWith("/") && /(^|\/)\.\.(\/|$)/.test(name)) {
    return zoneNamesFromRule(undefined);
  }
  try {
    return zoneNamesFromRule(ruleFromTzif(await Deno.readFile(file)));
  } catch {
    return zoneNamesFromRule(name ? parsePosixRule(name) : undefined);
  }
}
