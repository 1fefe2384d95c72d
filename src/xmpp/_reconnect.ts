/**
 * When and how soon to reconnect: never after a failure that retrying
 * cannot fix or that says another party wants us gone (`conflict`: another
 * client took our resource, and reconnecting would fight it), and otherwise
 * with exponential backoff and jitter, capped.
 */
import { AppError, AuthError, ConfigError } from "../errors.ts";
import { BindError, SaslRefusal, ServerStreamError } from "./_failures.ts";
import { NoMechanismError, SaslFailure } from "./_sasl.ts";
import { InsecureStreamError } from "./_transport.ts";
import { isCertificateFailure } from "./errors.ts";

/** Stream errors after which the server does not want us back as we are. */
const FINAL_CONDITIONS = new Set([
  "conflict",
  "see-other-host",
  "not-authorized",
  "host-gone",
  "host-unknown",
]);

/** A connection online this long was stable: the next outage starts backoff afresh. */
export const STABLE_MS = 30_000;

/** True when reconnecting after `err` (an `AppError` or what caused it) may succeed. */
export function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    if (e instanceof AuthError || e instanceof ConfigError) return false;
    if (
      e instanceof SaslFailure || e instanceof SaslRefusal ||
      e instanceof NoMechanismError || e instanceof InsecureStreamError ||
      e instanceof BindError
    ) return false;
    if (e instanceof ServerStreamError && FINAL_CONDITIONS.has(e.condition)) {
      return false;
    }
    if (
      e instanceof Error && !(e instanceof AppError) && isCertificateFailure(e)
    ) {
      return false;
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return true;
}

/**
 * Milliseconds before attempt number `failures` (0: the first after an
 * outage, at once); then `baseMs` doubling up to `maxMs`, each drawn
 * between half and all of it.
 */
export function backoff(
  failures: number,
  baseMs: number,
  maxMs: number,
): number {
  if (failures <= 0) return 0;
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(full / 2 + Math.random() * (full / 2));
}
