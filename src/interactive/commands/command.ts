import type { App } from "../app.ts";

/** A slash command: what /help shows and what it does. */
export interface SlashCommand {
  name: string;
  /** e.g. `/chat <jid|alias|prefix>` */
  usage: string;
  summary: string;
  /** What completes its first argument. */
  completes?: "contact" | "status";
  run(args: string, app: App): Promise<void> | void;
}
