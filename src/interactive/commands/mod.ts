/** The slash commands of interactive mode, and /help over them. */
import { UsageError } from "../../errors.ts";
import type { SlashCommand } from "./command.ts";
import { chat, close, list, me, send } from "./conversation.ts";
import { history, search } from "./history.ts";
import { accept, add, alias, deny, remove, roster } from "./roster.ts";
import { quit, status } from "./status.ts";
import { ticket, tickets } from "./tickets.ts";

export type { SlashCommand } from "./command.ts";

const help: SlashCommand = {
  name: "help",
  usage: "/help [command]",
  summary: "List the commands, or explain one",
  run(args, app) {
    const name = args.trim().replace(/^\//, "");
    if (name) {
      const command = findCommand(name);
      app.view.line(`${command.usage}\n  ${command.summary}`);
      return;
    }
    const width = Math.max(...COMMANDS.map((c) => c.usage.length));
    for (const c of COMMANDS) {
      app.view.line(`${c.usage.padEnd(width)}  ${c.summary}`);
    }
    app.view.line(
      "A line without a leading / is sent to the current conversation.",
    );
  },
};

/** Every command, in /help order. */
export const COMMANDS: SlashCommand[] = [
  help,
  list,
  roster,
  chat,
  close,
  send,
  me,
  ticket,
  tickets,
  status,
  add,
  remove,
  alias,
  accept,
  deny,
  history,
  search,
  quit,
];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = kept;
    }
  }
  return row[b.length]!;
}

/** The command called `name`, or a `UsageError` suggesting the closest one. */
export function findCommand(name: string): SlashCommand {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const closest = COMMANDS.map((c) => ({ c, d: distance(name, c.name) })).sort((
    a,
    b,
  ) => a.d - b.d)[0]!;
  const prefixed = COMMANDS.filter((c) => c.name.startsWith(name));
  const suggestion = prefixed.length === 1
    ? prefixed[0]!
    : closest.d <= 2
    ? closest.c
    : undefined;
  throw new UsageError(`Unknown command "/${name}"`, {
    hint: suggestion
      ? `Did you mean /${suggestion.name}? /help lists all`
      : "/help lists the commands",
  });
}
