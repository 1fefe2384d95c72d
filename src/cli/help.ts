/**
 * Help text, generated from the command records and the global options, so
 * `pidgin --help` prints without loading the argument parser or anything
 * behind the commands.
 */
import type { CommandSpec } from "./command.ts";

/** A global flag: commander syntax, description, and allowed values. */
export interface OptionSpec {
  flags: string;
  description: string;
  choices?: string[];
  hidden?: boolean;
}

/** Flags every command accepts. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  {
    flags: "-a, --account <jid>",
    description:
      "the account to act as (default: XMPP_JID, else the profile's default account)",
  },
  { flags: "-j, --jid <jid>", description: "account JID (XMPP_JID)" },
  {
    flags: "-s, --server <host>",
    description: "host or xmpp(s):// URI (XMPP_SERVER; default: SRV lookup)",
  },
  { flags: "-p, --port <port>", description: "server port (XMPP_PORT)" },
  {
    flags: "-r, --resource <name>",
    description:
      "resource to bind (XMPP_RESOURCE; default: pidgin.<random>, kept per account)",
  },
  {
    flags: "--ca-file <pem>",
    description: "extra CA certificates to trust (XMPP_CA_FILE)",
  },
  {
    flags: "--purple-dir <dir>",
    description: "Pidgin profile directory (PURPLE_HOME; default: ~/.purple)",
  },
  {
    flags: "--env-file <file>",
    description:
      "read settings from this dotenv file (no .env is read otherwise)",
  },
  {
    flags: "--log-format <format>",
    description: "chat log format (PIDGIN_LOG_FORMAT; default: txt)",
    choices: ["txt", "html"],
  },
  {
    flags: "--timeout <seconds>",
    description: "give up connecting or waiting after this long (default: 15)",
  },
  { flags: "-v, --verbose", description: "print the cause chain of errors" },
  {
    flags: "--timings",
    description: "print step timings as JSON on stderr",
    hidden: true,
  },
  { flags: "-V, --version", description: "print the version" },
  {
    flags: "-h, --help",
    description: "print help; with a command, that command's help",
  },
];

const FOOTER =
  "The password comes from XMPP_PASSWORD (environment or --env-file), never from a flag.\n" +
  "Exit codes: 0 ok, 1 bug, 2 usage, 3 config or profile, 4 auth, 5 connection,\n" +
  "6 ticket backend, 7 sent but not confirmed (it may still arrive), 130 Ctrl-C.";

function table(rows: [string, string][]): string {
  const width = rows.reduce((w, [left]) => Math.max(w, left.length), 0);
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join(
    "\n",
  );
}

/** `pidgin --help`. */
export function formatProgramHelp(commands: CommandSpec[]): string {
  return [
    "Usage: pidgin [options] <command> [arguments]",
    "",
    "A terminal XMPP client that keeps Pidgin's logs",
    "",
    "Commands:",
    table(commands.map((c) => [`${c.name} ${c.args}`.trim(), c.summary])),
    "",
    "Options:",
    table(
      GLOBAL_OPTIONS.filter((o) => !o.hidden).map((
        o,
      ) => [o.flags, o.description]),
    ),
    "",
    FOOTER,
    "",
    "Run pidgin <command> --help for a command's options and examples.",
    "",
  ].join("\n");
}

/** `pidgin <command> --help`; `parents` are the group names above it (`ticket`). */
export function formatCommandHelp(
  spec: CommandSpec,
  parents: string[] = [],
): string {
  const name = [...parents, spec.name].join(" ");
  const options = spec.options?.length ? " [command options]" : "";
  return [
    `Usage: pidgin [options] ${name}${options} ${spec.args}`.trimEnd(),
    "",
    spec.summary,
    ...(spec.subcommands
      ? [
        "",
        "Commands:",
        table(
          spec.subcommands.map((
            c,
          ) => [`${c.name} ${c.args}`.trim(), c.summary]),
        ),
      ]
      : []),
    ...(spec.options?.length
      ? [
        "",
        "Command options:",
        table(spec.options.map((o) => [o.flags, o.description])),
      ]
      : []),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  $ ${e}`),
    "",
    spec.subcommands
      ? `Run pidgin ${name} <command> --help for a command's options.`
      : "Global options: see pidgin --help",
    "",
  ].join("\n");
}
