import { NotConfirmedError, UsageError } from "../errors.ts";
import { readMessage } from "./_stdin.ts";
import type { CommandSpec } from "./command.ts";

/**
 * `pidgin send <jid> [message...]`: one message, exit once the server has it
 * (with `--wait-receipt`, once the contact's client confirmed it).
 */
export const sendCommand: CommandSpec = {
  name: "send",
  summary: "Send one chat message and exit once the server has taken it",
  args: "<jid> [message...]",
  examples: [
    'pidgin send bob@example.com "build 42 is green"',
    'echo "deploy done" | pidgin send ops@example.com',
    "pidgin send --json bob@example.com hi",
    'pidgin send --wait-receipt --timeout 60 bob@example.com "are you there?"',
  ],
  options: [
    { flags: "--json", description: "print the sent message as JSON" },
    {
      flags: "--wait-receipt",
      description:
        "exit 0 only once the contact's client confirmed it (XEP-0184), else 7 after --timeout",
    },
  ],
  async run([to, ...words], options, ctx) {
    const running = performance.now();
    if (!to) throw new UsageError("Cannot send a message: expected <jid>");
    const body = await readMessage(words, "send a message");
    const { toBareJid } = await import("../xmpp/mod.ts");
    const contact = toBareJid(to, "recipient");
    const core = await ctx.core();
    const account = await core.account();
    await using connection = await core.connect(account, {
      longLived: false,
      notice: (line) => void ctx.err(`${line}\n`).catch(() => {}),
    });
    const { session } = connection;
    // Watching before sending: a receipt may come before the server's acknowledgement.
    using receipts = options.waitReceipt
      ? (await import("../core/mod.ts")).watchReceipts(session)
      : undefined;
    const sent = await connection.messaging.send(contact, body);
    if (receipts && !await receipts.wait(sent.id, core.timeoutMs)) {
      throw new NotConfirmedError(
        `The message to "${contact}" is not confirmed: the server took it, but the contact's client did not confirm receiving it within ${
          core.timeoutMs / 1000
        } s; it may still arrive`,
        {
          hint:
            "Their client may be offline or not send receipts; do not send it again blindly",
        },
      );
    }
    if (ctx.globals.timings) {
      await ctx.err(
        JSON.stringify({
          running,
          ...session.timings,
          acked: performance.now(),
        }) + "\n",
      );
    }
    if (options.json) {
      await ctx.json({
        to: contact,
        id: sent.id,
        sentAt: sent.sentAt.toISOString(),
      }, { compact: true });
    }
  },
};
