import { UsageError } from "../../errors.ts";
import type { SlashCommand } from "./command.ts";

export const account: SlashCommand = {
  name: "account",
  usage: "/account [jid]",
  summary:
    "List the accounts and their state, or choose the one new conversations and /add, /accept … use",
  run(args, app) {
    const { view } = app;
    const wanted = args.trim().toLowerCase();
    if (!wanted) {
      for (const a of app.accounts) {
        const marker = a === app.active ? "*" : " ";
        const state = !a.online
          ? `offline (${a.lost?.message ?? "connection lost"})`
          : a.state.status === "reconnecting"
          ? `${a.status.show}, reconnecting`
          : a.status.show;
        view.line(`${marker} ${a.session.jid}  ${state}`);
      }
      for (const f of app.failed) {
        view.line([`  ${f.jid}  `, view.dim(`offline: ${f.error.message}`)]);
      }
      return;
    }
    const chosen = app.accounts.find((a) =>
      a.account.jid === wanted || a.account.jid.startsWith(wanted)
    );
    if (!chosen) {
      throw new UsageError(`No online account "${args.trim()}"`, {
        hint: "/account lists them",
      });
    }
    app.choose(chosen);
    // The current conversation belongs to another account: leave it.
    if (app.current && app.current.account !== chosen) app.current = undefined;
    view.line(view.dim(`New conversations use ${chosen.session.jid}`));
    app.updatePrompt();
  },
};
