/** Words for the stream errors a server ends a session with (RFC 6120, 4.9.3). */
import { AuthError, ConnectionError } from "../errors.ts";
import type { ServerStreamError } from "./_failures.ts";
import type { ErrorContext } from "./errors.ts";

/**
 * The server no longer offers the SASL mechanism this account used before
 * (`SessionOptions.pinnedMechanism`), only weaker ones: exit 4. A caller
 * that remembers mechanisms can catch it to say how to forget one.
 */
export class DowngradeError extends AuthError {}

const PHRASES: Record<string, string> = {
  "system-shutdown": "the server is shutting down",
  "policy-violation": "the server says pidgin broke one of its rules",
  "connection-timeout": "the server closed the idle connection",
  "reset": "the server reset the session",
  "not-authorized": "the server no longer accepts this login",
  "host-gone": "the server no longer serves this domain",
  "resource-constraint": "the server is short of resources",
  "internal-server-error": "the server failed",
};

/** The `AppError` for a stream error the server sent. */
export function describeStreamError(
  err: ServerStreamError,
  context: ErrorContext,
): ConnectionError {
  const { condition, text } = err;
  const detail = `(${condition}${text ? `: ${text}` : ""})`;
  const prefix = context.online
    ? "Signed out by the server"
    : `Cannot connect to "${context.service}"`;
  if (condition === "see-other-host") {
    const target = err.redirect || "another server";
    return new ConnectionError(
      `${prefix}: the server sends pidgin to "${target}" (see-other-host), and pidgin does not follow redirects`,
      {
        cause: err,
        hint: err.secure
          ? `If you trust it, set XMPP_SERVER (or --server) to xmpp://${target}`
          : "The redirect came before TLS, so anyone on the network could have sent it",
      },
    );
  }
  if (condition === "conflict" && context.online) {
    // Prosody's text ("Replaced by new connection") says no more than this.
    return new ConnectionError(
      `${prefix}: another client signed in as "${
        context.boundJid ?? context.jid
      }" (conflict)`,
      {
        cause: err,
        hint:
          "Two clients cannot share one resource; give one of them another with --resource or XMPP_RESOURCE",
      },
    );
  }
  if (condition === "host-unknown" && !context.online) {
    return new ConnectionError(
      `${prefix}: the server does not serve the domain of "${context.jid}" ${detail}`,
      { cause: err, hint: "Check the domain of XMPP_JID, or set XMPP_SERVER" },
    );
  }
  const phrase = PHRASES[condition] ?? "the server ended the stream";
  return new ConnectionError(`${prefix}: ${phrase} ${detail}`, {
    cause: err,
    hint: context.online ? "Run the command again" : undefined,
  });
}
