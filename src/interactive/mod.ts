/**
 * Interactive mode: a Pidgin-like terminal session with slash commands,
 * over the same session, store and ticket modules as the subcommands.
 *
 * @module
 */
export { runInteractive } from "./repl.ts";
