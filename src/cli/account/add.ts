import { UsageError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { CLEAR_TEXT_NOTE, readNewPassword } from "./_password.ts";

/** `pidgin account add <jid>[/resource]`. */
export const accountAddCommand: CommandSpec = {
  name: "add",
  summary:
    "Add an XMPP account to the Pidgin profile (accounts.xml); --server and --port become its connect server and port",
  args: "<jid>",
  examples: [
    "pidgin account add alice@example.com/laptop",
    "pass show xmpp/alice | pidgin account add --remember-password --password-stdin alice@example.com",
    "pidgin account add --server xmpp.example.com --port 5223 alice@example.com",
  ],
  options: [
    { flags: "--alias <name>", description: "the account's alias in logs" },
    {
      flags: "--remember-password",
      description:
        "store the password in accounts.xml (in clear text, as Pidgin does)",
    },
    {
      flags: "--password-stdin",
      description: "read the password from stdin instead of asking",
    },
  ],
  async run([jid], options, ctx) {
    if (!jid) throw new UsageError("Cannot add an account: expected <jid>");
    const port = options.port === undefined ? undefined : Number(options.port);
    if (
      port !== undefined &&
      !(Number.isInteger(port) && port > 0 && port < 65536)
    ) {
      throw new UsageError(
        `Invalid --port "${options.port}": expected a port number from 1 to 65535`,
      );
    }
    if (options.passwordStdin && !options.rememberPassword) {
      throw new UsageError("--password-stdin needs --remember-password", {
        hint:
          "Without it the password is not stored, so there is nothing to read",
      });
    }
    const { toBareJid } = await import("../../xmpp/mod.ts");
    const bare = toBareJid(jid, "account JID");
    const password = options.rememberPassword
      ? await readNewPassword(bare, options.passwordStdin === true)
      : undefined;
    const { addAccount } = await import("../../core/mod.ts");
    const core = await ctx.core();
    const added = await addAccount(core.purpleDir, {
      jid: jid.trim(),
      alias: typeof options.alias === "string" ? options.alias : undefined,
      // The global --server and --port become Pidgin's connect server and port.
      server: ctx.globals.server,
      port: ctx.globals.port === undefined ? undefined : core.config.XMPP_PORT,
      password,
    });
    if (password) await ctx.err(CLEAR_TEXT_NOTE);
    await ctx.out(`Added ${added.userName}\n`);
  },
};
