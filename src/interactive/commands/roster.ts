import { UsageError } from "../../errors.ts";
import type { App } from "../app.ts";
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
    const groups = new Map<string, string[]>();
    for (const item of app.roster.values()) {
      for (const group of item.groups.length ? item.groups : ["Buddies"]) {
        groups.set(group, [...(groups.get(group) ?? []), item.jid]);
      }
    }
    if (groups.size === 0) {
      return view.line("The roster is empty: /add <jid> [alias] [group]");
    }
    for (const group of [...groups.keys()].sort()) {
      view.line(view.bold(group));
      for (const jid of groups.get(group)!.sort()) {
        const item = app.roster.get(jid)!;
        const best = app.session.presencesOf(jid).sort((a, b) =>
          b.priority - a.priority
        )[0];
        const status = best?.status ? ` "${best.status}"` : "";
        const pending = item.pending ? ", request pending" : "";
        view.line([
          "  ",
          view.name(app.nameOf(jid)),
          ` <${jid}>  ${
            best?.show ?? "offline"
          }${status}  [${item.subscription}${pending}]`,
        ]);
      }
    }
  },
};

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
    await app.session.updateContact(bare, {
      name: alias,
      groups: group ? [group] : [],
    });
    app.log.setAlias(bare, alias);
    await app.session.requestSubscription(bare);
    app.view.line(app.view.dim(`Added ${bare}; asked to see their presence`));
  },
};

export const remove: SlashCommand = {
  name: "remove",
  usage: "/remove <jid|alias>",
  summary: "Remove a contact from the roster",
  completes: "contact",
  async run(args, app) {
    const jid = app.resolveContact(args);
    if (!app.roster.has(jid)) {
      throw new UsageError(`${jid} is not in your roster`, {
        hint: "/roster lists your contacts",
      });
    }
    await app.session.removeContact(jid);
    app.roster.delete(jid);
    // As Pidgin removes the buddy, its local alias goes with it.
    app.log.setAlias(jid, undefined);
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
    const jid = app.resolveContact(who);
    const name = rest.join(" ");
    await app.session.updateContact(jid, {
      name,
      groups: app.roster.get(jid)?.groups ?? [],
    });
    const item = app.roster.get(jid);
    if (item) app.roster.set(jid, { ...item, name });
    // Like Pidgin: the local alias and the server's roster name both change.
    app.log.setAlias(jid, name);
    app.view.line(app.view.dim(`${jid} is now called ${name}`));
    app.updatePrompt();
  },
};

/** The request to answer: the named one, or the only one waiting. */
async function chooseRequest(args: string, app: App, verb: string) {
  const { toBareJid } = await import("../../xmpp/mod.ts");
  if (args.trim()) return toBareJid(args.trim());
  const waiting = [...app.pendingSubscriptions];
  if (waiting.length === 0) {
    throw new UsageError("No subscription request is waiting");
  }
  if (waiting.length === 1) return waiting[0]!;
  const named = waiting.slice(0, 10).join(", ");
  const more = waiting.length > 10 ? ` and ${waiting.length - 10} more` : "";
  throw new UsageError(
    `${waiting.length} subscription requests are waiting: ${named}${more}`,
    { hint: `Say which: /${verb} <jid>` },
  );
}

async function answer(args: string, app: App, approve: boolean): Promise<void> {
  const jid = await chooseRequest(args, app, approve ? "accept" : "deny");
  await app.session.answerSubscription(jid, approve);
  app.pendingSubscriptions.delete(jid);
  if (approve) {
    const subscription = app.roster.get(jid)?.subscription ?? "none";
    // As Pidgin does: accepting also asks to see their presence, unless we already do.
    if (subscription === "none" || subscription === "from") {
      await app.session.requestSubscription(jid);
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
