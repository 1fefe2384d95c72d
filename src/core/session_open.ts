/** Starting an XMPP session for an account: its CA file, its resource, the timeout. */
import { AuthError, ConfigError } from "../errors.ts";
import type { Session, SessionOptions } from "../xmpp/mod.ts";
import type { Account } from "./account.ts";
import { sessionResource } from "./resource.ts";

async function readCaFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    throw new ConfigError(`Cannot read the CA file "${file}"`, {
      cause: err,
      hint: "Fix XMPP_CA_FILE or --ca-file",
    });
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      `Invalid CA file "${file}": expected PEM certificates`,
      { hint: "Fix XMPP_CA_FILE or --ca-file" },
    );
  }
  return text;
}

/** SASL mechanisms from weakest to strongest: an account never goes back down. */
const STRENGTH = ["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"];

/** The strongest mechanism an account has used, kept in pidgin's state for it. */
async function pinFile(purpleDir: string, jid: string): Promise<string> {
  const { accountStatePath } = await import("../store/mod.ts");
  return accountStatePath(purpleDir, jid, "sasl.json");
}

async function readPin(file: string): Promise<string | undefined> {
  const { readJsonFile } = await import("../store/mod.ts");
  const data = await readJsonFile(file, { onDamaged: "set-aside" });
  const mechanism = data && typeof data === "object" && "mechanism" in data
    ? data.mechanism
    : undefined;
  return typeof mechanism === "string" && STRENGTH.includes(mechanism)
    ? mechanism
    : undefined;
}

async function raisePin(file: string, used: string | undefined): Promise<void> {
  if (!used || !STRENGTH.includes(used)) return;
  const { withFileLock, writeJsonFile } = await import("../store/mod.ts");
  await withFileLock(file, async () => {
    const pinned = await readPin(file);
    if (pinned && STRENGTH.indexOf(pinned) >= STRENGTH.indexOf(used)) return;
    await writeJsonFile(file, { mechanism: used });
  });
}

/**
 * Connects, secures, authenticates and binds a session for `account`: the
 * account's resource exactly (`ownResource`: interactive mode, `chat`), or
 * one of its own (one-shot commands, `listen`). The strongest SASL mechanism the account has used
 * is remembered, and a server that offers only weaker ones is refused (a
 * downgrade someone on the path may have caused).
 *
 * Requires net access (and read access to the CA file).
 */
export async function openSession(
  account: Account,
  options: {
    /** Bind the account's resource exactly (else one of its own). */
    ownResource: boolean;
    timeoutMs: number;
    purpleDir: string;
    /** More session options (reconnect, catch-up …). */
    extra?: Partial<SessionOptions>;
    /** Runs on the created session before it starts (a message handler …). */
    configure?: (session: Session) => void;
  },
): Promise<Session> {
  const password = await account.password();
  const extraCa = account.caFile ? await readCaFile(account.caFile) : undefined;
  const { createSession, DowngradeError } = await import("../xmpp/mod.ts");
  const pin = await pinFile(options.purpleDir, account.jid);
  const session = createSession({
    jid: account.jid,
    password,
    resource: sessionResource(await account.resource(), options.ownResource),
    server: account.server,
    port: account.port,
    extraCa,
    timeoutMs: options.timeoutMs,
    pinnedMechanism: await (await import("../store/mod.ts")).withFileLock(
      pin,
      () => readPin(pin),
    ),
    ...options.extra,
  });
  options.configure?.(session);
  try {
    await session.start();
  } catch (err) {
    if (err instanceof DowngradeError) {
      throw new AuthError(err.message, {
        cause: err,
        hint:
          `If the server really dropped it, delete "${pin}" to accept what it offers now`,
      });
    }
    throw err;
  }
  await raisePin(pin, session.mechanism).catch(() => {});
  return session;
}
