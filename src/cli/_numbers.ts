import { UsageError } from "../errors.ts";

const UNITS: Record<string, number> = {
  "": 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A duration given to a flag (`30`, `30s`, `5m`, `1.5h`) in milliseconds;
 * `flag` names it in the error.
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smh]?)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2 ** 31 - 1) {
    throw new UsageError(
      `Invalid ${flag} "${text}": expected a duration such as 30s, 5m or 2h`,
    );
  }
  return ms;
}

/** A whole number above 0 given to a flag; `flag` names it in the error. */
export function parseCount(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `Invalid ${flag} "${text}": expected a whole number above 0`,
    );
  }
  return n;
}
