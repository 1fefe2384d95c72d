import { UsageError } from "../errors.ts";
import { indentContinuation } from "../text/continuation.ts";
import type { CommandSpec } from "./command.ts";

/**
 * `pidgin log <jid>`: the end of a conversation's Pidgin logs (ours or
 * Pidgin's); with `--sync`, first pulls older history from the archive.
 */
export const logCommand: CommandSpec = {
  name: "log",
  summary:
    "Show the last lines of a conversation from the Pidgin logs; --sync pulls older history first",
  args: "<jid>",
  examples: [
    "pidgin log bob@example.com",
    "pidgin log -n 100 bob@example.com",
    "pidgin log --json bob@example.com",
    "pidgin log --sync --max 5000 bob@example.com",
  ],
  options: [
    {
      flags: "-n, --lines <count>",
      description: "how many entries to show (default: 20)",
    },
    { flags: "--json", description: "print the entries as JSON" },
    {
      flags: "--sync",
      description:
        "first pull older history from the server's archive into the logs",
    },
    {
      flags: "--max <count>",
      description: "with --sync: at most this many messages (default: 1000)",
    },
  ],
  async run([who], options, ctx) {
    if (!who) throw new UsageError("Cannot show a log: expected <jid>");
    const limit = options.lines === undefined ? 20 : Number(options.lines);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(
        `Invalid --lines "${options.lines}": expected a whole number above 0`,
      );
    }
    const { toBareJid } = await import("../xmpp/mod.ts");
    const contact = toBareJid(who, "contact");
    const core = await ctx.core();
    const account = await core.account();
    if (options.sync) {
      const { parseCount } = await import("./_numbers.ts");
      const { PULL_MAX } = await import("../core/mod.ts");
      const max = options.max === undefined
        ? 1000
        : parseCount(String(options.max), "--max");
      if (max > PULL_MAX) {
        throw new UsageError(
          `Invalid --max "${options.max}": at most ${PULL_MAX} at once`,
          { hint: "Run it again for more" },
        );
      }
      const pull = await core.pullHistory(account, contact, { max });
      const day = (d: Date) => d.toISOString().slice(0, 10);
      await ctx.err(
        pull.logged + pull.known === 0
          ? `The archive holds nothing with ${contact} before ${
            day(pull.before)
          }\n`
          : `Pulled ${pull.logged} older message${
            pull.logged === 1 ? "" : "s"
          } with ${contact} into the logs (${day(pull.from!)} to ${
            day(pull.to!)
          })${pull.known ? `; ${pull.known} were logged already` : ""}\n`,
      );
    } else if (options.max !== undefined) {
      throw new UsageError("--max goes with --sync", {
        hint: "Run pidgin log --sync --max <count> <jid>",
      });
    }
    const entries = await core.history(account, contact, limit);
    if (options.json) {
      await ctx.json(entries);
    } else if (entries.length === 0) {
      await ctx.err(`No logs with ${contact} yet\n`);
    } else {
      await ctx.out(
        entries.map((e) => indentContinuation(e.text)).join("\n") + "\n",
      );
    }
  },
};
