/** The slash commands of interactive mode, and /help over them. */
import { UsageError } from "../../errors.ts";
import { account } from "./account.ts";
import type { SlashCommand } from "./command.ts";
import { chat, close, list, me, msg, send } from "./conversation.ts";
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
    const columns = app.view.columns();
    for (const c of COMMANDS) {
      app.view.line(formatHelpRow(c.usage, c.summary, width, columns));
    }
    app.view.line(
      "A line without a leading / is sent to the current conversation.",
    );
  },
};

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** One /help row; the summary wraps at word boundaries to fit the terminal. */
export function formatHelpRow(
  usage: string,
  summary: string,
  width: number,
  columns: number | undefined,
): string {
  if (columns === undefined) return `${usage.padEnd(width)}  ${summary}`;
  const room = columns - width - 3;
  if (room < 24) {
    return [usage, ...wrap(summary, columns - 5).map((l) => `    ${l}`)]
      .join("\n");
  }
  const [first = "", ...rest] = wrap(summary, room);
  return [
    `${usage.padEnd(width)}  ${first}`,
    ...rest.map((l) => `${" ".repeat(width + 2)}${l}`),
  ].join("\n");
}

/** Every command, in /help order. */
export const COMMANDS: SlashCommand[] = [
  help,
  list,
  roster,
  chat,
  close,
  send,
  me,
  msg,
  ticket,
  tickets,
  status,
  account,
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
