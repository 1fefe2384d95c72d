import type { CommandSpec } from "./command.ts";

/** `pidgin` / `pidgin interactive`: the interactive session. */
export const interactiveCommand: CommandSpec = {
  name: "interactive",
  summary:
    "Go online and chat with slash commands (the default when no command is given)",
  args: "",
  examples: [
    "pidgin",
    "printf '/chat bob@example.com\\nhello\\n/quit\\n' | pidgin",
  ],
  async run(_args, _options, ctx) {
    return {
      core: await ctx.core(),
      color: ctx.color,
      accounts: ctx.globals.account ? "chosen" : "enabled",
    };
  },
};
