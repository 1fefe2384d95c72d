/**
 * Fitting what pidgin sends to the contract's limits, visibly: a text that
 * is too long is cut and says so, so a long log line never makes a ticket
 * fail validation (docs/ticket-api.yaml, CreateTicketRequest).
 */
import { MAX_BODY_LENGTH, MAX_CONTEXT_LINES } from "./schemas.ts";

/**
 * `text` cut to at most `max` characters (`String.length`), ending in
 * `… [cut: N more characters]` when it was longer; a surrogate pair is
 * never split.
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  // The marker's own length depends on N; two rounds settle it.
  let keep = max;
  for (let round = 0; round < 2; round++) {
    keep = max - marker(text.length - keep).length;
  }
  if (keep > 0 && /[\uD800-\uDBFF]/.test(text[keep - 1]!)) keep--;
  const kept = Math.max(0, keep);
  return `${text.slice(0, kept)}${marker(text.length - kept)}`.slice(0, max);
}

function marker(cut: number): string {
  return `… [cut: ${cut} more characters]`;
}

/**
 * Log lines as a ticket's context: the last {@linkcode MAX_CONTEXT_LINES},
 * each fitted to {@linkcode MAX_BODY_LENGTH}.
 */
export function fitContext(lines: string[]): string[] {
  return lines.slice(-MAX_CONTEXT_LINES).map((line) =>
    fitText(line, MAX_BODY_LENGTH)
  );
}
