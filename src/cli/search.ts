import type { IndexProgress } from "../store/mod.ts";
import { UsageError } from "../errors.ts";
import type { CommandSpec } from "./command.ts";

function progressLine(p: IndexProgress): string {
  if (p.phase === "waiting") {
    return "Waiting for another pidgin to finish indexing the logs…";
  }
  const mb = (n: number) => (n / 1048576).toFixed(0);
  const pct = p.bytesTotal
    ? Math.floor((p.bytesDone / p.bytesTotal) * 100)
    : 100;
  return `Indexing the logs: ${pct}% (${mb(p.bytesDone)} of ${
    mb(p.bytesTotal)
  } MB, ${p.files} files)`;
}

/** Redraws one progress line on stderr when it is a terminal; our own text only. */
function progressReporter(): {
  report: (p: IndexProgress) => void;
  done: () => void;
} {
  if (!Deno.stderr.isTerminal()) return { report: () => {}, done: () => {} };
  const encoder = new TextEncoder();
  let shown = false;
  let last = 0;
  return {
    report(p) {
      const now = performance.now();
      if (shown && now - last < 100 && p.bytesDone < p.bytesTotal) return;
      last = now;
      shown = true;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[K${progressLine(p)}`));
    },
    done() {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[K"));
    },
  };
}

/**
 * A JID given to filter by, lower-cased; a room's private chat keeps its
 * `/nick`. Only checked for shape: it is compared with folder names, never
 * used as a path. (xmpp/ is not loaded for a search.)
 */
function bareJid(text: string, flag: string): string {
  const jid = text.trim();
  if (!/^[^@\s/]+@[^@\s/]+(\/\S.*)?$/.test(jid)) {
    throw new UsageError(`Invalid ${flag} "${text}": expected user@domain`, {
      hint: "A JID looks like user@example.com",
    });
  }
  const slash = jid.indexOf("/");
  return slash < 0
    ? jid.toLowerCase()
    : jid.slice(0, slash).toLowerCase() + jid.slice(slash);
}

function limitOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < 1) {
    throw new UsageError(
      `Invalid --limit "${value}": expected a whole number above 0`,
    );
  }
  return n;
}

/** `pidgin search <text>`: full-text search over every log of the profile. */
export const searchCommand: CommandSpec = {
  name: "search",
  summary: "Search every chat log of the profile (ours and Pidgin's)",
  args: "<text...>",
  examples: [
    "pidgin search printer",
    'pidgin search "floor 3" jam*',
    "pidgin search --contact bob@example.com --since 2026-01-01 invoice",
    "pidgin search --room --limit 50 deploy OR release",
    "pidgin search --json build | jq '.hits[].body'",
  ],
  options: [
    {
      flags: "--contact <jid>",
      description: "only the conversation with this contact or room",
    },
    { flags: "--account <jid>", description: "only the logs of this account" },
    { flags: "--room", description: "only rooms" },
    {
      flags: "--since <date>",
      description:
        "only messages from this date on (2026-11-25, 2026-11-25T18:00, 7d)",
    },
    { flags: "--until <date>", description: "only messages up to this date" },
    {
      flags: "-n, --limit <count>",
      description: "how many hits to show (default: 20)",
    },
    {
      flags: "--before <cursor>",
      description: "older hits: the cursor the previous page printed",
    },
    { flags: "--json", description: "print the hits as JSON" },
  ],
  async run(words, options, ctx) {
    const text = words.join(" ");
    const { parseSearchDate } = await import("../core/mod.ts");
    const jid = (value: unknown, what: string) =>
      typeof value === "string" ? bareJid(value, what) : undefined;
    const str = (v: unknown) => typeof v === "string" ? v : undefined;
    const since = str(options.since);
    const until = str(options.until);
    const request = {
      text,
      contact: typeof options.contact === "string"
        ? options.contact.includes("/")
          ? options.contact
          : jid(options.contact, "contact")
        : undefined,
      account: jid(options.account, "account"),
      room: options.room === true,
      since: since === undefined ? undefined : parseSearchDate(since),
      until: until === undefined
        ? undefined
        : parseSearchDate(until, { end: true }),
      before: str(options.before),
      limit: limitOf(options.limit),
    };
    const core = await ctx.core();
    const progress = progressReporter();
    let page;
    try {
      page = await core.search(request, { onProgress: progress.report });
    } finally {
      progress.done();
    }
    if (page.rebuilt) {
      await ctx.err(
        `The search index was ${
          page.rebuilt === "old-version" ? "of an older version" : page.rebuilt
        }: built it again from the logs\n`,
      );
    }
    if (options.json) {
      await ctx.json({
        hits: page.hits.map((h) => ({ ...h, time: h.time.toISOString() })),
        next: page.next ?? null,
      });
      return;
    }
    if (page.hits.length === 0) {
      await ctx.err(
        request.before
          ? "No older messages found\n"
          : `No messages found for ${text}\n`,
      );
      return;
    }
    const accounts = new Set(page.hits.map((h) => h.account));
    const { formatHit } = await import("../core/mod.ts");
    await ctx.out(
      page.hits.map((h) => [formatHit(h, accounts.size > 1), "\n"]),
    );
    if (page.next) {
      await ctx.err(
        `More hits: run the same search with --before ${page.next}\n`,
      );
    }
  },
};
