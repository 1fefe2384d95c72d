/** `pidgin account remove|default|enable|disable|password <jid>`. */
import type { AccountChange } from "../../core/mod.ts";
import { UsageError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { CLEAR_TEXT_NOTE, readNewPassword } from "./_password.ts";

function simple(
  name: string,
  summary: string,
  change: AccountChange,
  done: string,
): CommandSpec {
  return {
    name,
    summary,
    args: "<jid>",
    examples: [`pidgin account ${name} alice@example.com`],
    async run([jid], _options, ctx) {
      if (!jid) {
        throw new UsageError(`Cannot ${name} an account: expected <jid>`);
      }
      const { changeAccount } = await import("../../core/mod.ts");
      const core = await ctx.core();
      await changeAccount(core.purpleDir, jid, change);
      await ctx.out(`${done.replace("%s", jid.toLowerCase())}\n`);
    },
  };
}

export const accountRemoveCommand = simple(
  "remove",
  "Remove an account from the profile (its logs stay)",
  { kind: "remove" },
  "Removed %s",
);
export const accountDefaultCommand = simple(
  "default",
  "Make an account the one commands use without --account",
  { kind: "default" },
  "%s is the default account",
);
export const accountEnableCommand = simple(
  "enable",
  "Go online with this account in interactive mode (pidgin's own setting)",
  { kind: "enabled", on: true },
  "Enabled %s",
);
export const accountDisableCommand = simple(
  "disable",
  "Do not go online with this account in interactive mode",
  { kind: "enabled", on: false },
  "Disabled %s",
);

/** `pidgin account password <jid> [--password-stdin | --forget]`. */
export const accountPasswordCommand: CommandSpec = {
  name: "password",
  summary: "Remember an account's password in accounts.xml, or forget it",
  args: "<jid>",
  examples: [
    "pidgin account password alice@example.com",
    "pass show xmpp/alice | pidgin account password --password-stdin alice@example.com",
    "pidgin account password --forget alice@example.com",
  ],
  options: [
    {
      flags: "--password-stdin",
      description: "read the password from stdin instead of asking",
    },
    { flags: "--forget", description: "remove the remembered password" },
  ],
  async run([jid], options, ctx) {
    if (!jid) throw new UsageError("Cannot set a password: expected <jid>");
    const { changeAccount } = await import("../../core/mod.ts");
    const core = await ctx.core();
    const password = options.forget ? undefined : await readNewPassword(
      jid.toLowerCase(),
      options.passwordStdin === true,
    );
    await changeAccount(core.purpleDir, jid, { kind: "password", password });
    if (password) await ctx.err(CLEAR_TEXT_NOTE);
    await ctx.out(
      password
        ? `Remembered the password of ${jid.toLowerCase()}\n`
        : `Forgot the password of ${jid.toLowerCase()}\n`,
    );
  },
};
