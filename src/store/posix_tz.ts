/**
 * POSIX `TZ` rules (`ABC-5:30`, `EST5EDT,M3.2.0,M11.1.0`, `<+0530>-5:30`) as
 * glibc reads them (time/tzset.c: `__tzset_parse_tz`, `parse_tzname`,
 * `parse_offset`, `parse_rule`, `compute_change`, `__tz_compute`). V8 does
 * not understand these strings and falls back to UTC, so when `TZ` is a rule
 * rather than a zone file, local times in logs are computed here.
 */

/** When daylight saving time starts or ends: a day of the year and a time. */
export interface TransitionRule {
  /** `J1`: `Jn`, 1-365, February 29 never counted; `J0`: `n`, 0-365; `M`: `Mm.w.d`. */
  type: "J1" | "J0" | "M";
  /** Day of the year (J1, J0) or day of the week 0-6, Sunday first (M). */
  day: number;
  /** Month 1-12 (M only). */
  month: number;
  /** Week 1-5 of the month, 5 meaning the last (M only). */
  week: number;
  /** Seconds after local midnight, may be negative or above a day. */
  seconds: number;
}

/** One half of a rule: standard or daylight saving time. */
export interface ZoneState {
  /** The abbreviation `%Z` prints; "" when glibc has none. */
  name: string;
  /** Seconds east of UTC, as `tm_gmtoff`. */
  offset: number;
  /** When this state's change happens: DST start for std, its end for dst. */
  change: TransitionRule;
}

/** A parsed rule, as glibc's `tz_rules[2]`. */
export interface PosixTz {
  std: ZoneState;
  dst: ZoneState;
}

/** What glibc's memset leaves: J0 day 0 at midnight. */
const NO_CHANGE: TransitionRule = {
  type: "J0",
  day: 0,
  month: 0,
  week: 0,
  seconds: 0,
};

class Cursor {
  constructor(public text: string, public at = 0) {}
  peek(): string {
    return this.text[this.at] ?? "";
  }
  /** sscanf's `%hu`: leading digits as a number, or undefined. */
  number(): number | undefined {
    const m = /^\d+/.exec(this.text.slice(this.at));
    if (!m) return undefined;
    this.at += m[0].length;
    return Math.min(Number(m[0]), 65535);
  }
}

/** `parse_tzname`: three or more letters, or `<…>` of letters, digits, `+`, `-`. */
function parseName(c: Cursor): string | undefined {
  const plain = /^[A-Za-z]*/.exec(c.text.slice(c.at))![0];
  if (plain.length >= 3) {
    c.at += plain.length;
    return plain;
  }
  const quoted = /^<([A-Za-z0-9+-]*)>/.exec(c.text.slice(c.at));
  if (!quoted || quoted[1]!.length < 3) return undefined;
  c.at += quoted[0].length;
  return quoted[1]!;
}

/** `hh[:mm[:ss]]` as sscanf reads it; undefined when no digit. */
function parseClock(c: Cursor): [number, number, number] | undefined {
  const hh = c.number();
  if (hh === undefined) return undefined;
  let mm = 0, ss = 0;
  const save = c.at;
  if (c.peek() === ":") {
    c.at++;
    const m = c.number();
    if (m === undefined) c.at = save;
    else {
      mm = m;
      const save2 = c.at;
      if (c.peek() === ":") {
        c.at++;
        const s = c.number();
        if (s === undefined) c.at = save2;
        else ss = s;
      }
    }
  }
  return [hh, mm, ss];
}

/** `parse_offset`: POSIX counts west, so `-5:30` is 5.5 hours east. */
function parseOffset(c: Cursor): number | undefined {
  let sign = -1;
  if (c.peek() === "+" || c.peek() === "-") {
    sign = c.peek() === "-" ? 1 : -1;
    c.at++;
  }
  const clock = parseClock(c);
  if (!clock) return undefined;
  const [hh, mm, ss] = clock;
  return sign *
    (Math.min(ss, 59) + Math.min(mm, 59) * 60 + Math.min(hh, 24) * 3600);
}

/** `parse_rule`; an empty rule is the US one glibc defaults to. */
function parseRule(c: Cursor, which: 0 | 1): TransitionRule | undefined {
  if (c.peek() === ",") c.at++;
  const rule: TransitionRule = {
    type: "M",
    day: 0,
    month: which === 0 ? 3 : 11,
    week: which === 0 ? 2 : 1,
    seconds: 7200,
  };
  if (c.peek() === "J" || /\d/.test(c.peek())) {
    rule.type = c.peek() === "J" ? "J1" : "J0";
    if (rule.type === "J1") c.at++;
    const d = c.number();
    if (d === undefined || d > 365 || (rule.type === "J1" && d === 0)) {
      return undefined;
    }
    rule.day = d;
  } else if (c.peek() === "M") {
    const m = /^M(\d+)\.(\d+)\.(\d+)/.exec(c.text.slice(c.at));
    if (!m) return undefined;
    [rule.month, rule.week, rule.day] = [
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
    ];
    if (
      rule.month < 1 || rule.month > 12 || rule.week < 1 || rule.week > 5 ||
      rule.day > 6
    ) return undefined;
    c.at += m[0].length;
  } else if (c.peek() !== "") {
    return undefined;
  }
  if (c.peek() !== "" && c.peek() !== "/" && c.peek() !== ",") return undefined;
  if (c.peek() === "/") {
    c.at++;
    if (c.peek() === "") return undefined;
    const negative = c.peek() === "-";
    if (negative || c.peek() === "+") c.at++;
    const [hh, mm, ss] = parseClock(c) ?? [2, 0, 0];
    rule.seconds = (negative ? -1 : 1) * (hh * 3600 + mm * 60 + ss);
  }
  return rule;
}

/**
 * Parses a POSIX TZ rule the way glibc's `__tzset_parse_tz` does, quirks
 * included: what it cannot read gives UTC with no abbreviation (`AB5`, a
 * name under three letters), an unreadable DST part leaves the states glibc
 * leaves (`ABC3DEF,garbage` is DEF all year).
 */
export function parsePosixTz(text: string): PosixTz {
  const c = new Cursor(text.startsWith(":") ? text.slice(1) : text);
  const std: ZoneState = { name: "", offset: 0, change: NO_CHANGE };
  const dst: ZoneState = { name: "", offset: 0, change: NO_CHANGE };
  const tz = { std, dst };
  const stdName = parseName(c);
  if (stdName === undefined) return tz;
  std.name = stdName;
  if (!/^[+\-\d]/.test(c.peek())) return tz;
  const stdOffset = parseOffset(c);
  if (stdOffset === undefined) return tz;
  std.offset = stdOffset;
  if (c.peek() === "") {
    dst.name = std.name;
    dst.offset = std.offset;
    return tz;
  }
  const dstName = parseName(c);
  if (dstName !== undefined) {
    dst.name = dstName;
    const save = c.at;
    if (c.peek() === "+" || c.peek() === "-") c.at++;
    if (/^\d/.test(c.peek())) {
      c.at = save;
      dst.offset = parseOffset(c)!;
    } else {
      dst.offset = std.offset + 3600;
    }
  }
  const start = parseRule(c, 0);
  if (start) {
    std.change = start;
    const end = parseRule(c, 1);
    if (end) dst.change = end;
  }
  return tz;
}

const DAY = 86_400;

/** `compute_change`: the instant (seconds since the epoch) a rule fires in `year`. */
function changeAt(rule: TransitionRule, year: number, offset: number): number {
  let days: number;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (rule.type === "J1") {
    days = rule.day - 1 + (rule.day >= 60 && leap ? 1 : 0);
  } else if (rule.type === "J0") {
    days = rule.day;
  } else {
    const first = Date.UTC(year, rule.month - 1, 1);
    const length = new Date(Date.UTC(year, rule.month, 0)).getUTCDate();
    let d = (rule.day - new Date(first).getUTCDay() + 7) % 7;
    for (let i = 1; i < rule.week && d + 7 < length; i++) d += 7;
    days = (first - Date.UTC(year, 0, 1)) / 86_400_000 + d;
  }
  return Date.UTC(year, 0, 1) / 1000 + days * DAY + rule.seconds - offset;
}

/** `__tz_compute`: the offset (seconds east) and abbreviation at an instant. */
export function posixTzAt(tz: PosixTz, date: Date): ZoneState {
  const t = Math.floor(date.getTime() / 1000);
  const year = date.getUTCFullYear(); // glibc uses the year of the UTC time
  const start = changeAt(tz.std.change, year, tz.std.offset);
  const end = changeAt(tz.dst.change, year, tz.dst.offset);
  const isDst = start > end ? t < end || t >= start : t >= start && t < end;
  return isDst ? tz.dst : tz.std;
}
