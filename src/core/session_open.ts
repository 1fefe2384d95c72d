/** Starting an XMPP session for an account: its CA file, its resource, the timeout. */
import { ConfigError } from "../errors.ts";
import type { Session } from "../xmpp/mod.ts";
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

/**
 * Connects, secures, authenticates and binds a session for `account`. A
 * long-lived session binds the account's resource exactly; a one-shot
 * command one of its own.
 *
 * Requires net access (and read access to the CA file).
 */
export async function openSession(
  account: Account,
  options: { longLived: boolean; timeoutMs: number },
): Promise<Session> {
  const password = await account.password();
  const extraCa = account.caFile ? await readCaFile(account.caFile) : undefined;
  const { createSession } = await import("../xmpp/mod.ts");
  const session = createSession({
    jid: account.jid,
    password,
    resource: sessionResource(await account.resource(), options.longLived),
    server: account.server,
    port: account.port,
    extraCa,
    timeoutMs: options.timeoutMs,
  });
  await session.start();
  return session;
}
