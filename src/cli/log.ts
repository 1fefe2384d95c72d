import { UsageError } from "../errors.ts";
import { indentContinuation } from "../text/continuation.ts";
import type { CommandSpec } from "./command.ts";

/** `pidgin log <jid>`: the end of a conversation's Pidgin logs (ours or Pidgin's). */
export const logCommand: CommandSpec = {
  name: "log",
  summary: "Show the last lines of a conversation from the Pidgin logs",
  args: "<jid>",
  examples: [
    "pidgin log bob@example.com",
    "pidgin log -n 100 bob@example.com",
    "pidgin log --json bob@example.com",
  ],
  options: [
    {
      flags: "-n, --lines <count>",
      description: "how many entries to show (default: 20)",
    },
    { flags: "--json", description: "print the entries as JSON" },
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
    const entries = await core.history(await core.account(), contact, limit);
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
