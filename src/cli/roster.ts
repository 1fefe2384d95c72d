import { UsageError } from "../errors.ts";
import { formatTable } from "./_table.ts";
import type { CliContext } from "./context.ts";
import type { CommandSpec } from "./command.ts";

import type { RosterRow as Row } from "../core/mod.ts";

async function print(ctx: CliContext, rows: Row[], json: boolean) {
  if (json) return await ctx.json(rows);
  if (rows.length === 0) return await ctx.out("No contacts yet\n");
  await ctx.out(formatTable([
    ["JID", "NAME", "SUBSCRIPTION", "PRESENCE"],
    ...rows.map((r) => [
      r.jid,
      r.displayName === r.jid ? "" : r.displayName,
      r.subscription + (r.pending ? " (pending)" : ""),
      r.presence + (r.status ? ` (${r.status})` : ""),
    ]),
  ]));
}

/** The roster as the buddy list remembers it: no connection needed. */
async function offline(ctx: CliContext): Promise<Row[]> {
  const core = await ctx.core();
  const { offlineRoster } = await import("../core/mod.ts");
  const contacts = await offlineRoster(core.purpleDir, await core.account());
  return contacts.sort((a, b) => a.jid.localeCompare(b.jid)).map((c) => ({
    jid: c.jid,
    name: null,
    displayName: c.displayName,
    subscription: c.subscription ?? "unknown",
    pending: c.pending,
    groups: c.groups,
    presence: "unknown",
    status: null,
  }));
}

/** `pidgin roster alias <jid> <name>`: the server's roster name and Pidgin's buddy alias. */
async function alias(ctx: CliContext, words: string[]): Promise<void> {
  const [who, ...name] = words;
  if (!who || name.length === 0) {
    throw new UsageError("Cannot set an alias: expected <jid> and <name>", {
      hint: "pidgin roster alias bob@example.com Bobby",
    });
  }
  const { toBareJid } = await import("../xmpp/mod.ts");
  const jid = toBareJid(who, "contact");
  const core = await ctx.core();
  const account = await core.account();
  const { mergeRoster } = await import("../core/mod.ts");
  await using connection = await core.connect(account, {
    longLived: false,
    notice: (line) => void ctx.err(`${line}\n`).catch(() => {}),
  });
  const { session } = connection;
  const roster = await session.getRoster();
  const item = roster.find((i) => i.jid === jid);
  if (!item) {
    throw new UsageError(`${jid} is not in your roster`, {
      hint: "pidgin roster lists your contacts",
    });
  }
  await session.updateContact(jid, {
    name: name.join(" "),
    groups: item.groups,
  });
  await mergeRoster(core.purpleDir, account, await session.getRoster());
  await ctx.out(`${jid} is now called ${name.join(" ")}\n`);
}

/** `pidgin roster`: contacts with name, subscription and presence. */
export const rosterCommand: CommandSpec = {
  name: "roster",
  summary:
    "List contacts with their name, subscription and current presence; roster alias <jid> <name> renames one",
  args: "[action] [words...]",
  examples: [
    "pidgin roster",
    "pidgin roster --offline",
    "pidgin roster --json | jq '.[] | select(.presence != \"offline\")'",
    "pidgin roster alias bob@example.com Bobby",
  ],
  options: [
    { flags: "--json", description: "print the roster as JSON" },
    {
      flags: "--offline",
      description: "from the buddy list in blist.xml, without connecting",
    },
  ],
  async run([action, ...words], options, ctx) {
    if (action === "alias") return await alias(ctx, words);
    if (action !== undefined) {
      throw new UsageError(`Unknown roster action "${action}"`, {
        hint: "Run pidgin roster --help",
      });
    }
    if (options.offline) {
      return await print(ctx, await offline(ctx), !!options.json);
    }
    const core = await ctx.core();
    const account = await core.account();
    const { mergeRoster, rosterRows } = await import("../core/mod.ts");
    await using connection = await core.connect(account, {
      longLived: false,
      notice: (line) => void ctx.err(`${line}\n`).catch(() => {}),
    });
    const { session } = connection;
    // Names follow the one rule both modes use (libpurple's).
    const names = connection.log;
    const items = await session.getRoster();
    await mergeRoster(core.purpleDir, account, items);
    await session.sendPresence();
    // Presence of local contacts arrives before the answer to a later ping.
    await session.roundTrip();
    await print(ctx, rosterRows(items, session, names), !!options.json);
  },
};
