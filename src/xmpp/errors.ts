/**
 * Translates library and socket errors into our `AppError`s, each with one
 * line that says what failed and what to do. No password ever goes in.
 */
import { AppError, AuthError, ConnectionError } from "../errors.ts";
import { NoMechanismError, SaslFailure } from "./_sasl.ts";
import { InsecureStreamError } from "./_transport.ts";

/** What the message may name. */
export interface ErrorContext {
  jid: string;
  /** Where we tried to connect, e.g. `xmpp://127.0.0.1:5222`. */
  service: string;
}

function codeOf(err: unknown): string {
  if (err && typeof err === "object" && "code" in err) return String(err.code);
  return "";
}

const TLS_HINT =
  "Check the server name, or trust a private CA with --ca-file or XMPP_CA_FILE";

/** Maps any failure of connecting or talking to the server to an `AppError`. */
export function toAppError(err: unknown, context: ErrorContext): AppError {
  if (err instanceof AppError) return err;
  const { jid, service } = context;
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  if (err instanceof SaslFailure) {
    if (
      [
        "not-authorized",
        "credentials-expired",
        "account-disabled",
        "invalid-authzid",
      ].includes(err.condition)
    ) {
      return new AuthError(
        `Cannot log in as "${jid}": the server rejected the credentials (${err.condition})`,
        {
          cause: err,
          hint: "Check XMPP_JID and XMPP_PASSWORD, or pass --password",
        },
      );
    }
    return new AuthError(`Cannot log in as "${jid}": ${err.message}`, {
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
  if (err instanceof NoMechanismError) {
    return new AuthError(`Cannot log in as "${jid}": ${err.message}`, {
      cause: err,
    });
  }
  if (err instanceof SyntaxError && message.startsWith("SCRAM")) {
    return new AuthError(`Cannot log in as "${jid}": ${message}`, {
      cause: err,
    });
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
  if (
    /certificate|UnknownIssuer|NotValidForName|self.signed|CERT_|invalid peer/i
      .test(message + code)
  ) {
    return new ConnectionError(
      `Cannot connect securely to "${service}": the server's certificate is not trusted (${
        message.split("\n")[0]
      })`,
      {
        cause: err,
        hint: TLS_HINT,
      },
    );
  }
  if (err instanceof Error && err.name === "TimeoutError") {
    return new ConnectionError(
      `Cannot reach "${service}": the server did not answer in time`,
      {
        cause: err,
        hint: "Check the network and the server, or raise --timeout",
      },
    );
  }
  if (err instanceof Error && err.name === "StreamError") {
    const condition = "condition" in err ? String(err.condition) : message;
    return new ConnectionError(
      `The server "${service}" closed the stream: ${condition}`,
      { cause: err },
    );
  }
  if (err instanceof Error && err.name === "JIDError") {
    return new ConnectionError(
      `Cannot bind a resource as "${jid}": ${message}`,
      { cause: err },
    );
  }
  return new ConnectionError(
    `Cannot talk to "${service}": ${message.split("\n")[0]}`,
    { cause: err },
  );
}
