/**
 * The local time zone as the C library sees it. `TZ` names a zone file (or
 * is unset: /etc/localtime), as glibc's tzset tries first: then the offsets
 * are the platform's and the abbreviations (`CET`, `CEST`, `EST`) come from
 * the POSIX rule at the end of the file (RFC 8536, section 3.3), because
 * JavaScript's Intl gives `GMT+1` for Berlin. Otherwise `TZ` is a POSIX rule
 * (`ABC-5:30`), which V8 does not understand, and offsets and abbreviations
 * both come from the rule.
 */
import type { ZoneNames } from "./log_time.ts";
import { parsePosixTz, type PosixTz, posixTzAt } from "./posix_tz.ts";

/** Reads the POSIX rule from the footer of a TZif file. */
export function ruleFromTzif(bytes: Uint8Array): PosixTz | undefined {
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== "TZif" || bytes.length < 2) return undefined;
  const end = bytes.at(-1) === 0x0a ? bytes.length - 1 : bytes.length;
  const start = bytes.lastIndexOf(0x0a, end - 1);
  if (start < 0) return undefined;
  return parsePosixTz(new TextDecoder().decode(bytes.subarray(start + 1, end)));
}

/**
 * The platform's zone, with abbreviations picked from a zone file's rule by
 * comparing offsets (or none: no abbreviation).
 */
export function platformZone(rule: PosixTz | undefined): ZoneNames {
  return {
    abbreviation(date: Date): string {
      if (!rule) return "";
      const offset = -date.getTimezoneOffset() * 60;
      return offset === rule.std.offset || !rule.dst.name
        ? rule.std.name
        : rule.dst.name;
    },
    offset(date: Date): number {
      return Math.round(-date.getTimezoneOffset() * 60);
    },
  };
}

/** A zone computed from a POSIX TZ rule alone, as glibc does without a file. */
export function posixZone(rule: PosixTz): ZoneNames {
  return {
    abbreviation: (date) => posixTzAt(rule, date).name,
    offset: (date) => posixTzAt(rule, date).offset,
  };
}

/** A TZif file's bytes; undefined for anything else (a device, a directory, a huge file). */
async function readZoneFile(file: string): Promise<Uint8Array | undefined> {
  try {
    const info = await Deno.stat(file);
    if (!info.isFile || info.size > 1 << 20) return undefined;
    return await Deno.readFile(file);
  } catch {
    return undefined;
  }
}

/**
 * Loads the local zone: the file named by `TZ` (a path or a zone name under
 * /usr/share/zoneinfo), else /etc/localtime; a `TZ` that names no file is a
 * POSIX rule. Unknown zones give no abbreviation, which Pidgin's log reader
 * accepts.
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
  // glibc refuses relative names that climb out of the zone directory.
  const climbs = !!name && !name.startsWith("/") &&
    /(^|\/)\.\.(\/|$)/.test(name);
  const bytes = climbs ? undefined : await readZoneFile(file);
  if (bytes && new TextDecoder().decode(bytes.subarray(0, 4)) === "TZif") {
    return platformZone(ruleFromTzif(bytes));
  }
  return name ? posixZone(parsePosixTz(name)) : platformZone(undefined);
}
