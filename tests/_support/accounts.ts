/** Helpers for integration tests: a CLI environment and a second, in-process client. */
import { join } from "node:path";
import { createSession, type Session } from "../../src/xmpp/mod.ts";
import type { ChatMessage } from "../../src/xmpp/mod.ts";

/**
 * Where a test client connects: a test server (`Prosody`, `Ejabberd`) or a
 * `FaultProxy` in front of one.
 */
export interface TestEndpoint {
  /** Loopback port speaking STARTTLS. */
  port: number;
  /** PEM file of the test CA; without it the certificate check fails. */
  caFile?: string;
  /** `XMPP_SERVER`, `XMPP_PORT`, `XMPP_CA_FILE` for the CLI. */
  env: Record<string, string>;
}

/** Environment for running the CLI as alice against `prosody`, logging into `purpleDir`. */
export function aliceEnv(
  prosody: TestEndpoint,
  purpleDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...prosody.env,
    XMPP_JID: "alice@localhost",
    XMPP_PASSWORD: "alice-secret-pw",
    XMPP_RESOURCE: "pidgin",
    PURPLE_HOME: purpleDir,
    LANG: "en_US.UTF-8",
    TZ: "Europe/Berlin",
    ...extra,
  };
}

/** Starts bob (or another account) online, with initial presence sent. */
export async function onlinePeer(
  prosody: TestEndpoint,
  jid = "bob@localhost",
  password = "bob-secret-pw",
  resource?: string,
): Promise<Session> {
  const session = createSession({
    jid,
    password,
    resource,
    server: "127.0.0.1",
    port: prosody.port,
    extraCa: prosody.caFile
      ? await Deno.readTextFile(prosody.caFile)
      : undefined,
    timeoutMs: 10_000,
  });
  await session.start();
  await session.sendPresence();
  await session.roundTrip();
  return session;
}

/** Resolves with the next `count` messages the session receives; rejects after `timeoutMs`. */
export function nextMessages(
  session: Session,
  count: number,
  timeoutMs = 10_000,
): Promise<ChatMessage[]> {
  return new Promise((resolve, reject) => {
    const got: ChatMessage[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`Timed out after ${got.length} of ${count} messages`));
    }, timeoutMs);
    const off = session.on("message", (m) => {
      got.push(m);
      if (got.length === count) {
        clearTimeout(timer);
        off();
        resolve(got);
      }
    });
  });
}

/** The log files of one conversation, oldest first, with their text. */
export async function readConversationLogs(purpleDir: string, contact: string) {
  const dir = join(purpleDir, "logs", "jabber", "alice@localhost", contact);
  const files: { name: string; text: string; mode: number }[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    files.push({
      name: entry.name,
      text: await Deno.readTextFile(path),
      mode: (await Deno.stat(path)).mode! & 0o777,
    });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
