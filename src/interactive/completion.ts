/** Tab completion: commands, then contacts (by JID or alias) and statuses as arguments. */
import type { App } from "./app.ts";
import { COMMANDS } from "./commands/mod.ts";
import { sanitizeForTerminal } from "../text/sanitize.ts";

const STATUSES = ["available", "away", "xa", "dnd", "invisible"];

/**
 * The contacts `word` may mean, each as the text that names it: the JID when
 * the JID matches, else the alias (or the JID, for an alias with spaces,
 * which a command argument cannot hold).
 */
function contactCompletions(word: string, app: App): string[] {
  const wanted = word.toLowerCase();
  const found = new Set<string>();
  for (const account of app.accounts) {
    const jids = new Set(account.roster.keys());
    for (const c of app.conversations.values()) {
      if (c.account === account) jids.add(c.jid);
    }
    for (const jid of jids) {
      if (jid.startsWith(wanted)) {
        found.add(jid);
        continue;
      }
      const name = account.nameOf(jid);
      if (name.toLowerCase().startsWith(wanted)) {
        found.add(/\s/.test(name) ? jid : name);
      }
    }
  }
  // readline prints the candidates itself: names from the network are made harmless here.
  return [...found].map(sanitizeForTerminal).filter((c) => c !== "").sort();
}

/** Completions for the line typed so far, as readline's completer returns them. */
export function complete(line: string, app: App): [string[], string] {
  const command = /^\/(\S*)$/.exec(line);
  if (command) {
    const names = COMMANDS.map((c) => `/${c.name}`).filter((c) =>
      c.startsWith(line)
    );
    // One match: complete it with the space its argument needs.
    return [names.length === 1 ? [`${names[0]} `] : names, line];
  }
  const argument = /^\/(\S+)\s+(\S*)$/.exec(line);
  if (argument) {
    const spec = COMMANDS.find((c) => c.name === argument[1]);
    const word = argument[2]!;
    if (spec?.completes === "status") {
      return [STATUSES.filter((s) => s.startsWith(word.toLowerCase())), word];
    }
    return [
      spec?.completes === "contact" ? contactCompletions(word, app) : [],
      word,
    ];
  }
  const word = /(\S*)$/.exec(line)![1]!;
  if (line.startsWith("/") || word === "") return [[], word];
  return [contactCompletions(word, app), word];
}
