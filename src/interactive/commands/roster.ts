import { UsageError } from "../../errors.ts";
import { type RosterRow, rosterRows } from "../../core/mod.ts";
import type { AccountView, App } from "../app.ts";
import type { SlashCommand } from "./command.ts";

function splitArgs(args: string): string[] {
  return args.trim().split(/\s+/).filter(Boolean);
}

export const roster: SlashCommand = {
  name: "roster",
  usage: "/roster",
  summary: "The full roster, grouped like Pidgin's buddy list",
  run(_args, app) {
    const { view } = app;
    for (const account of app.accounts) {
      if (app.multi) view.line(view.dim(`${account.account.jid}:`));
      showRoster(app, account);
    }
  },
};

function showRoster(app: App, account: AccountView): void {
  const { view } = app;
  const rows = rosterRows(
    account.roster.values(),
    account.online ? account.session : undefined,
    account.log,
  );
  if (rows.length === 0) {
    return view.line("The roster is empty: /add <jid> [alias] [group]");
  }
  const groups = new Map<string, RosterRow[]>();
  for (const row of rows) {
    for (const group of row.groups.length ? row.groups : ["Buddies"]) {
      groups.set(group, [...(groups.get(group) ?? []), row]);
    }
  }
  for (const group of [...groups.keys()].sort()) {
    view.line(view.bold(group));
    for (const r of groups.get(group)!) {
      const status = r.status ? ` "${r.status}"` : "";
      const pending = r.pending ? ", request pending" : "";
      view.line([
        "  ",
        view.name(r.displayName),
        ` <${r.jid}>  ${r.presence}${status}  [${r.subscription}${pending}]`,
      ]);
    }
  }
}

export const add: SlashCommand = {
  name: "add",
  usage: "/add <jid> [alias] [group]",
  summary: "Add a contact and ask to see their presence",
  async run(args, app) {
    const [jid, alias, group] = splitArgs(args);
    if (!jid) {
      throw new UsageError("Expected a JID", {
        hint: "/add <jid> [alias] [group]",
      });
    }
    const { toBareJid } = await import("../../xmpp/mod.ts");
    const bare = toBareJid(jid);
    const account = app.active;
    await account.session.updateContact(bare, {
      name: alias,
      groups: group ? [group] : [],
    });
    account.log.setAlias(bare, alias);
    await account.session.requestSubscription(bare);
    app.view.line(app.view.dim(`Added ${bare}; asked to see their presence`));
  },
};

export const remove: SlashCommand = {
  name: "remove",
  usage: "/remove <jid|alias>",
  summary: "Remove a contact from the roster",
  completes: "contact",
  async run(args, app) {
    const { account, jid } = app.resolveContact(args);
    if (!account.roster.has(jid)) {
      throw new UsageError(`${jid} is not in your roster`, {
        hint: "/roster lists your contacts",
      });
    }
    await account.session.removeContact(jid);
    account.roster.delete(jid);
    // As Pidgin removes the buddy, its local alias goes with it.
    account.log.setAlias(jid, undefined);
    app.view.line(app.view.dim(`Removed ${jid}`));
    app.updatePrompt();
  },
};

export const alias: SlashCommand = {
  name: "alias",
  usage: "/alias <jid|alias> <name>",
  summary: "Give a contact a name",
  completes: "contact",
  async run(args, app) {
    const [who, ...rest] = splitArgs(args);
    if (!who || rest.length === 0) {
      throw new UsageError("Expected a contact and a name", {
        hint: "/alias <jid> <name>",
      });
    }
    const { account, jid } = app.resolveContact(who);
    const name = rest.join(" ");
    await account.session.updateContact(jid, {
      name,
      groups: account.roster.get(jid)?.groups ?? [],
    });
    const item = account.roster.get(jid);
    if (item) account.roster.set(jid, { ...item, name });
    // Like Pidgin: the local alias and the server's roster name both change.
    account.log.setAlias(jid, name);
    app.view.line(app.view.dim(`${jid} is now called ${name}`));
    app.updatePrompt();
  },
};

/** The request to answer: the named one, or the only one waiting, with its account. */
async function chooseRequest(
  args: string,
  app: App,
  verb: string,
): Promise<{ account: AccountView; jid: string }> {
  const { toBareJid } = await import("../../xmpp/mod.ts");
  const waiting = app.accounts.flatMap((account) =>
    [...account.pendingSubscriptions].map((jid) => ({ account, jid }))
  );
  if (args.trim()) {
    const jid = toBareJid(args.trim());
    return waiting.find((w) => w.jid === jid) ?? { account: app.active, jid };
  }
  if (waiting.length === 0) {
    throw new UsageError("No subscription request is waiting");
  }
  if (waiting.length === 1) return waiting[0]!;
  const named = waiting.slice(0, 10).map((w) => w.jid).join(", ");
  const more = waiting.length > 10 ? ` and ${waiting.length - 10} more` : "";
  throw new UsageError(
    `${waiting.length} subscription requests are waiting: ${named}${more}`,
    { hint: `Say which: /${verb} <jid>` },
  );
}

async function answer(args: string, app: App, approve: boolean): Promise<void> {
  const { account, jid } = await chooseRequest(
    args,
    app,
    approve ? "accept" : "deny",
  );
  await account.session.answerSubscription(jid, approve);
  account.pendingSubscriptions.delete(jid);
  if (approve) {
    const subscription = account.roster.get(jid)?.subscription ?? "none";
    // As Pidgin does: accepting also asks to see their presence, unless we already do.
    if (subscription === "none" || subscription === "from") {
      await account.session.requestSubscription(jid);
    }
    app.view.line(app.view.dim(`${jid} can now see your presence`));
  } else {
    app.view.line(app.view.dim(`Denied ${jid}`));
  }
}

export const accept: SlashCommand = {
  name: "accept",
  usage: "/accept [jid]",
  summary: "Let a contact who asked see your presence (and ask to see theirs)",
  completes: "contact",
  run: (args, app) => answer(args, app, true),
};

export const deny: SlashCommand = {
  name: "deny",
  usage: "/deny [jid]",
  summary: "Refuse a contact's request to see your presence",
  completes: "contact",
  run: (args, app) => answer(args, app, false),
};
