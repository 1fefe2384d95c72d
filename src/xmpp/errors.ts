/**
 * Translates the failures of connecting and talking to the server into our
 * `AppError`s, each with one line that says what failed and what to do.
 * Only what it recognises: socket and TLS errors (`Deno.errors.*`), DNS,
 * timeouts, stream and stanza errors, SASL, and our own stream checks. Any
 * other error is a bug and is rethrown unchanged, so that it is reported as
 * one (exit 1). No password ever goes in; server text only single-line and
 * bounded.
 */
import {
  AppError,
  AuthError,
  ConfigError,
  ConnectionError,
} from "../errors.ts";
import {
  BindError,
  ConnectionClosed,
  oneLine,
  SaslRefusal,
  ServerStreamError,
  StreamViolation,
} from "./_failures.ts";
import { NoMechanismError, SaslFailure } from "./_sasl.ts";
import { InsecureStreamError } from "./_transport.ts";
import { describeStreamError, DowngradeError } from "./_stream_errors.ts";

export { DowngradeError };

/** What the message may name, and how far the connection got. */
export interface ErrorContext {
  jid: string;
  /** Where we tried to connect, e.g. `xmpp://127.0.0.1:5222`. */
  service: string;
  /** True once the session was online: the failure ended it. */
  online?: boolean;
  /** The full JID bound, when online. */
  boundJid?: string;
  /** True once the server's stream header arrived. */
  opened?: boolean;
}

function codeOf(err: unknown): string {
  if (err && typeof err === "object" && "code" in err) return String(err.code);
  return "";
}

function isDenoError(err: unknown): err is Error {
  return err instanceof Error &&
    Object.values(Deno.errors).some((E) => err instanceof E);
}

const CERTIFICATE =
  /certificate|UnknownIssuer|NotValidForName|self.signed|CERT_|invalid peer/i;

/** True when `err` says the server's certificate was not trusted. */
export function isCertificateFailure(err: Error): boolean {
  return CERTIFICATE.test(err.message + codeOf(err));
}

const TLS_HINT =
  "Check the server name, or trust a private CA with --ca-file or XMPP_CA_FILE";

function hostPort(service: string): string {
  return service.replace(/^xmpps?:\/\//, "");
}

/** The next step when a plain connection fails before any XMPP arrived. */
function directTlsHint(context: ErrorContext): string | undefined {
  if (!context.service.startsWith("xmpp://") || context.opened) {
    return undefined;
  }
  return `The port may expect direct TLS: try --server xmpps://${
    hostPort(context.service)
  } (or XMPP_SERVER)`;
}

/**
 * Why an online connection ended, as the `AppError` to report: `failure`
 * translated, a plain loss when there is none, and a bug (an error
 * {@linkcode toAppError} does not recognise) said to be one.
 */
export function describeDisconnect(
  failure: Error | undefined,
  context: ErrorContext,
): AppError {
  try {
    return toAppError(
      failure ?? new ConnectionClosed("the server closed the connection"),
      context,
    );
  } catch (bug) {
    return new ConnectionError(
      `The connection to "${context.service}" ended after an unexpected failure: ${
        oneLine(bug instanceof Error ? bug.message : String(bug))
      }`,
      { cause: bug, hint: "Run again with --verbose and report the output" },
    );
  }
}

/**
 * Maps a failure of connecting or talking to the server to an `AppError`;
 * rethrows `err` unchanged when it is not one it recognises (a bug).
 */
export function toAppError(err: unknown, context: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof Error)) throw err;
  const { jid, service } = context;
  const message = err.message;
  const code = codeOf(err);
  const cannot = context.online
    ? `Disconnected from "${service}"`
    : `Cannot connect to "${service}"`;

  if (err instanceof SaslFailure) {
    const rejected = [
      "not-authorized",
      "credentials-expired",
      "account-disabled",
      "invalid-authzid",
    ].includes(err.condition);
    return new AuthError(
      rejected
        ? `Cannot log in as "${jid}": the server rejected the credentials (${err.condition})`
        : `Cannot log in as "${jid}": ${oneLine(err.message)}`,
      {
        cause: err,
        hint: rejected
          ? "Check XMPP_JID and the password in XMPP_PASSWORD"
          : undefined,
      },
    );
  }
  if (err instanceof SaslRefusal) {
    if (err.downgrade) {
      return new DowngradeError(`Cannot log in as "${jid}": ${err.message}`, {
        cause: err,
        hint:
          "If the server's administrator changed this on purpose, forget the mechanism remembered for this account and log in again",
      });
    }
    return new AuthError(`Cannot log in as "${jid}": ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof NoMechanismError) {
    return new AuthError(`Cannot log in as "${jid}": ${oneLine(message)}`, {
      cause: err,
    });
  }
  if (err instanceof InsecureStreamError) {
    return new ConnectionError(
      `Cannot connect securely to "${service}": ${err.message}`,
      {
        cause: err,
        hint:
          "pidgin never logs in without TLS; ask the server admin to enable STARTTLS or direct TLS",
      },
    );
  }
  if (err instanceof ServerStreamError) {
    return describeStreamError(err, context);
  }
  if (err instanceof StreamViolation) {
    return new ConnectionError(`${cannot}: ${err.message} (${err.condition})`, {
      cause: err,
      hint: err.tlsReply
        ? directTlsHint(context)
        : context.opened
        ? undefined
        : "Check XMPP_SERVER and XMPP_PORT: this may not be an XMPP server",
    });
  }
  if (err instanceof BindError) {
    return new ConnectionError(
      `Cannot bind a resource as "${jid}": ${err.message}`,
      { cause: err },
    );
  }
  if (code === "ECONNREFUSED" || err instanceof Deno.errors.ConnectionRefused) {
    return new ConnectionError(
      `Cannot connect to "${service}": connection refused`,
      {
        cause: err,
        hint: "Check XMPP_SERVER and XMPP_PORT, and that the server is running",
      },
    );
  }
  if (
    code === "ENOTFOUND" || code === "EAI_AGAIN" ||
    /failed to lookup|Name or service not known|dns error/i.test(message)
  ) {
    return new ConnectionError(`Cannot connect to "${service}": unknown host`, {
      cause: err,
      hint: "Check the domain of XMPP_JID or set XMPP_SERVER",
    });
  }
  if (err instanceof Deno.errors.InvalidData && /pem file/i.test(message)) {
    return new ConfigError(
      "Cannot use the CA file: it holds no valid PEM certificate",
      { cause: err, hint: "Fix XMPP_CA_FILE or --ca-file" },
    );
  }
  if (isCertificateFailure(err)) {
    return new ConnectionError(
      `Cannot connect securely to "${service}": the server's certificate is not trusted (${
        oneLine(message, 120)
      })`,
      { cause: err, hint: TLS_HINT },
    );
  }
  if (
    err instanceof Deno.errors.InvalidData && /corrupt message/.test(message)
  ) {
    return new ConnectionError(
      `Cannot connect securely to "${service}": the server did not answer with TLS`,
      {
        cause: err,
        hint: `The port may expect STARTTLS: try --server xmpp://${
          hostPort(service)
        } (or XMPP_SERVER)`,
      },
    );
  }
  if (err.name === "TimeoutError" || err instanceof Deno.errors.TimedOut) {
    return new ConnectionError(
      `Cannot reach "${service}": the server did not answer in time`,
      {
        cause: err,
        hint: "Check the network and the server, or raise --timeout",
      },
    );
  }
  if (
    err instanceof ConnectionClosed ||
    err instanceof Deno.errors.ConnectionReset ||
    err instanceof Deno.errors.ConnectionAborted ||
    err instanceof Deno.errors.BrokenPipe ||
    err instanceof Deno.errors.UnexpectedEof ||
    err instanceof Deno.errors.NotConnected
  ) {
    const what = err instanceof ConnectionClosed
      ? err.message
      : "the connection was reset";
    return new ConnectionError(
      context.online
        ? `The connection to "${service}" was lost: ${what}`
        : `${cannot}: ${what}`,
      {
        cause: err,
        hint: directTlsHint(context) ??
          (context.online ? "Run the command again" : undefined),
      },
    );
  }
  if (err.name === "StanzaError") {
    const condition = "condition" in err ? String(err.condition) : "";
    return new ConnectionError(
      `The server refused the request: ${oneLine(condition || message, 64)}`,
      { cause: err },
    );
  }
  if (err.name === "StreamError" || err.name === "XMLError") {
    return new ConnectionError(`${cannot}: ${oneLine(message)}`, {
      cause: err,
    });
  }
  // Deno reports some OS errors (EHOSTUNREACH …) as plain errors.
  if (isDenoError(err) || /\(os error \d+\)$/.test(message)) {
    return new ConnectionError(`${cannot}: ${oneLine(message, 120)}`, {
      cause: err,
    });
  }
  throw err;
}
