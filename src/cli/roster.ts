import { formatTable } from "./_table.ts";
import type { CommandSpec } from "./command.ts";

/** `pidgin roster`: contacts with name, subscription and presence. */
export const rosterCommand: CommandSpec = {
  name: "roster",
  summary: "List contacts with their name, subscription and current presence",
  args: "",
  examples: [
    "pidgin roster",
    "pidgin roster --json | jq '.[] | select(.presence != \"offline\")'",
  ],
  options: [{ flags: "--json", description: "print the roster as JSON" }],
  async run(_args, options, ctx) {
    const core = await ctx.core();
    const account = await core.account();
    await using session = await core.openSession(account);
    // Names follow the one rule both modes use (libpurple's).
    await using names = await core.openLog(account, { enabled: false });
    const items = await session.getRoster();
    await session.sendPresence();
    // Presence of local contacts arrives before the answer to a later ping.
    await session.roundTrip();
    const rows = items.sort((a, b) => a.jid.localeCompare(b.jid)).map(
      (item) => {
        const best =
          session.presencesOf(item.jid).sort((a, b) =>
            b.priority - a.priority
          )[0];
        return {
          jid: item.jid,
          name: item.name ?? null,
          displayName: names.nameOf(item.jid, item.name),
          subscription: item.subscription,
          pending: item.pending,
          groups: item.groups,
          presence: best?.show ?? "offline",
          status: best?.status ?? null,
        };
      },
    );
    if (options.json) {
      await ctx.json(rows);
      return;
    }
    if (rows.length === 0) {
      await ctx.out("No contacts yet\n");
      return;
    }
    const table = [
      ["JID", "NAME", "SUBSCRIPTION", "PRESENCE"],
      ...rows.map((r) => [
        r.jid,
        r.displayName === r.jid ? "" : r.displayName,
        r.subscription + (r.pending ? " (pending)" : ""),
        r.presence + (r.status ? ` (${r.status})` : ""),
      ]),
    ];
    await ctx.out(formatTable(table));
  },
};
