/**
 * The printer of interactive mode: every line goes above the prompt, and the
 * prompt with the half-typed input is redrawn after it, so output never
 * breaks the line being typed. Text from the network is sanitised here.
 * Colours (XEP-0392 for names) only on a terminal without NO_COLOR.
 */
import type { Interface } from "node:readline";
import { sanitizeForTerminal } from "../text/sanitize.ts";
import { paintName } from "./colors.ts";

/** Options for {@linkcode createView}. */
export interface ViewOptions {
  /** A terminal (prompt, redraw, colours) or a pipe (plain lines). */
  interactive: boolean;
  color: boolean;
  bell: boolean;
  write(text: string): void;
}

/** What commands and events print through. */
export interface View {
  /** Binds the readline interface once it exists. */
  attach(rl: Interface): void;
  /** A line of our own text (may contain colour codes). */
  line(text: string): void;
  /** An error line. */
  error(text: string): void;
  /** Text from the network, made harmless. */
  clean(text: string): string;
  /** A name in its consistent colour (sanitised). */
  name(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  /** Rings the bell, if enabled. */
  ring(): void;
  /** Sets the prompt and redraws it with the current input. */
  setPrompt(text: string): void;
}

/** Creates the view. */
export function createView(options: ViewOptions): View {
  let rl: Interface | undefined;
  const sgr = (code: string, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const view: View = {
    attach(readline) {
      rl = readline;
    },
    line(text) {
      if (options.interactive && rl) {
        // Clear the prompt line, print, then redraw prompt and partial input.
        options.write(`\r\x1b[2K${text}\n`);
        rl.prompt(true);
      } else {
        options.write(`${text}\n`);
      }
    },
    error(text) {
      view.line(sgr("31", text));
    },
    clean: sanitizeForTerminal,
    name(text) {
      const safe = sanitizeForTerminal(text);
      return options.color ? paintName(safe) : safe;
    },
    dim: (text) => sgr("2", text),
    bold: (text) => sgr("1", text),
    ring() {
      if (options.bell && options.interactive) options.write("\x07");
    },
    setPrompt(text) {
      if (!rl || !options.interactive) return;
      rl.setPrompt(text);
      rl.prompt(true);
    },
  };
  return view;
}
