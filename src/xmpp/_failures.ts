/**
 * Why a connection failed, as plain errors with what `errors.ts` needs to
 * word them. Each message is ours; text from the server only ever appears
 * through {@linkcode oneLine}, single-line and bounded.
 */

/** Server text fit for an error message: one line, control characters removed, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const flat = text
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * We end the stream: the server broke a rule of RFC 6120 or a limit of ours.
 * `condition` is the stream error we send it.
 */
export class StreamViolation extends Error {
  override name = "StreamViolation";
  constructor(
    readonly condition: string,
    message: string,
    /** True when the server's first bytes were a TLS record, not XML. */
    readonly tlsReply = false,
  ) {
    super(message);
  }
}

/** The server ended the stream with a stream error (RFC 6120, 4.9). */
export class ServerStreamError extends Error {
  override name = "ServerStreamError";
  constructor(
    /** The condition, one line, bounded. */
    readonly condition: string,
    /** The server's explanation, one line, bounded. */
    readonly text?: string,
    /** Where `see-other-host` points, one line, bounded. */
    readonly redirect?: string,
    /** Whether the stream was encrypted when the error came. */
    readonly secure = false,
  ) {
    super(`stream error ${condition}${text ? `: ${text}` : ""}`);
  }
}

/** The connection closed, or was closed, with no stream error. */
export class ConnectionClosed extends Error {
  override name = "ConnectionClosed";
}

/** Resource binding failed or bound an address that is not ours. */
export class BindError extends Error {
  override name = "BindError";
}

/** We refuse to go on with SASL: a downgrade, a second login, weak SCRAM. */
export class SaslRefusal extends Error {
  override name = "SaslRefusal";
  constructor(
    message: string,
    /** Set when the refusal is a mechanism downgrade below the pinned one. */
    readonly downgrade?: { pinned: string; offered: string[] },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
