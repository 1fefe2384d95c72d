/** Helpers for integration tests: a CLI environment and a second, in-process client. */
import { join } from "node:path";
import { createSession, type Session } from "../../src/xmpp/mod.ts";
import type { ChatMessage } from "../../src/xmpp/mod.ts";
import type { Prosody } from "./prosody.ts";

/** Environment for running the CLI as alice against `prosody`, logging into `purpleDir`. */
export function aliceEnv(
  prosody: Prosody,
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
  prosody: Prosody,
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
    extraCa: await Deno.readTextFile(prosody.caFile),
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
