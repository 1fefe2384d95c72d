import { UsageError } from "../errors.ts";
import type { CommandSpec } from "./command.ts";

/**
 * `pidgin chat <jid>`: the interactive session, opened in the conversation
 * with one contact. Incoming lines are logged, then printed above the prompt,
 * which is redrawn with the partial input; each typed line is logged, then
 * sent; the slash commands of interactive mode work too. Piped stdin sends
 * each line and exits after the last one was acknowledged.
 */
export const chatCommand: CommandSpec = {
  name: "chat",
  summary: "Chat with one contact; /quit or Ctrl-D ends the conversation",
  args: "<jid>",
  examples: [
    "pidgin chat bob@example.com",
    'printf "hi\\nhow are you?\\n" | pidgin chat bob@example.com',
    "pidgin chat --no-log bob@example.com",
  ],
  options: [{
    flags: "--no-log",
    description: "do not write this conversation to the chat logs",
  }],
  async run([to], options, ctx) {
    if (!to) throw new UsageError("Cannot start a chat: expected <jid>");
    const { toBareJid } = await import("../xmpp/mod.ts");
    return {
      core: await ctx.core(),
      color: ctx.color,
      conversation: toBareJid(to, "contact"),
      accounts: "chosen",
      log: options.log !== false,
    };
  },
};
