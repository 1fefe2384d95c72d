import type { AccountRow } from "../../core/mod.ts";
import { formatTable } from "../_table.ts";
import type { CommandSpec } from "../command.ts";

function enabled(row: AccountRow): string {
  if (row.source === "environment") return "yes (XMPP_JID)";
  if (!row.enabledBy) return "no";
  return `${row.enabled ? "yes" : "no"} (${row.enabledBy})`;
}

/** `pidgin account list`. */
export const accountListCommand: CommandSpec = {
  name: "list",
  summary: "List the accounts: the environment's (XMPP_JID) and the profile's",
  args: "",
  examples: ["pidgin account list", "pidgin account list --json"],
  options: [{ flags: "--json", description: "print the accounts as JSON" }],
  async run(_args, options, ctx) {
    const core = await ctx.core();
    const { describeAccounts } = await import("../../core/mod.ts");
    const rows = await describeAccounts(core.config, core.purpleDir);
    if (options.json) return void await ctx.json(rows);
    if (rows.length === 0) {
      await ctx.err(
        "No accounts yet: pidgin account add you@example.com, or set XMPP_JID\n",
      );
      return;
    }
    await ctx.out(formatTable([
      ["ACCOUNT", "ALIAS", "ENABLED", "DEFAULT", "SERVER", "PASSWORD"],
      ...rows.map((r) => [
        r.resource ? `${r.jid}/${r.resource}` : r.jid,
        r.alias ?? "",
        enabled(r),
        r.default ? "*" : "",
        r.server
          ? `${r.server}${r.port ? `:${r.port}` : ""}`
          : r.port
          ? `:${r.port}`
          : "",
        r.password,
      ]),
    ]));
  },
};
