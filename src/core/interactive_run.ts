/**
 * What the command line hands to interactive mode when it asks for it
 * (`pidgin`, `pidgin interactive`, `pidgin chat <jid>`): `main.ts` passes it
 * on, so neither mode imports the other.
 */
import type { Core } from "./core.ts";

/** A request to run interactive mode. */
export interface InteractiveRun {
  core: Core;
  /** Colours are allowed: stdout is a terminal and NO_COLOR is not set. */
  color: boolean;
  /** Start in the conversation with this bare JID (`pidgin chat <jid>`). */
  conversation?: string;
  /** False: write no chat logs (`--no-log`). */
  log?: boolean;
  /**
   * Which accounts go online: every enabled one (plain `pidgin` without
   * `--account`), or only the command's account (`chat`, `--account`).
   */
  accounts: "enabled" | "chosen";
}
