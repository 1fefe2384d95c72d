/**
 * What the end-to-end "no message lost, none doubled" tests share: numbered
 * message bodies, what `pidgin log --json` shows of a conversation, split by
 * direction, and waiting on `pidgin chat`'s connection-state lines.
 */
import { type CliProcess, runCli } from "./run_cli.ts";

/** `["<prefix>0001", …]`: zero-padded, so no body is a prefix of another. */
export function numbered(prefix: string, n: number, from = 1): string[] {
  return Array.from(
    { length: n },
    (_, i) => `${prefix}${String(from + i).padStart(4, "0")}`,
  );
}

/** One entry of `pidgin log --json`. */
export interface ShownEntry {
  file: string;
  text: string;
  time?: string;
  name?: string;
  body?: string;
  kind?: string;
}

/** How alice (resource `pidgin`) and bob are named in alice's logs. */
export const ALICE_WITH_BOB = {
  ownName: "alice@localhost/pidgin",
  contactName: "bob@localhost",
};

/**
 * The conversation with `contact` as `pidgin log --json` shows it (every
 * entry, oldest first), with the bodies of each side: `ours` are the
 * entries named `ownName`, `theirs` those named `contactName`.
 */
export async function shownConversation(
  env: Record<string, string>,
  contact: string,
  names: { ownName: string; contactName: string } = ALICE_WITH_BOB,
): Promise<{ entries: ShownEntry[]; ours: string[]; theirs: string[] }> {
  const shown = await runCli(["log", "--json", "-n", "100000", contact], {
    env,
  });
  if (shown.code !== 0) {
    throw new Error(`pidgin log exited ${shown.code}: ${shown.stderr}`);
  }
  const entries: ShownEntry[] = JSON.parse(shown.stdout);
  const others = entries.filter((e) =>
    e.name !== names.ownName && e.name !== names.contactName
  );
  if (others.length > 0) {
    throw new Error(
      `Unexpected log entries: ${JSON.stringify(others.slice(0, 5))}`,
    );
  }
  return {
    entries,
    ours: entries.filter((e) => e.name === names.ownName).map((e) => e.body!),
    theirs: entries.filter((e) => e.name === names.contactName).map((e) =>
      e.body!
    ),
  };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** How many outages `pidgin chat` announced, and how many it came back from. */
export function outages(chat: CliProcess): { lost: number; back: number } {
  return {
    lost: count(chat.stdout, "Connection lost"),
    back: count(chat.stdout, "Reconnected"),
  };
}

/**
 * Resolves once `chat` announced it is back from its `n`-th outage and is
 * not in another one; rejects after `timeoutMs`.
 */
export async function backFrom(
  chat: CliProcess,
  n: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { lost, back } = outages(chat);
    if (back >= n && lost === back) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(
        `pidgin did not come back from outage ${n}: ${lost} lost, ${back} back; stdout ends: ${
          chat.stdout.slice(-1000)
        }; stderr: ${chat.stderr}`,
      );
    }
    // The next line of output, whatever it is, is worth a look.
    await chat.waitForOutput("\n", left, count(chat.stdout, "\n") + 1)
      .catch(() => {});
  }
}

/** The entries of `list` that occur more than once, with how often. */
export function repeats(list: readonly string[]): Record<string, number> {
  const seen = new Map<string, number>();
  for (const item of list) seen.set(item, (seen.get(item) ?? 0) + 1);
  return Object.fromEntries([...seen].filter(([, n]) => n > 1));
}
