/**
 * The printer of interactive mode: every line goes above the prompt, and the
 * prompt with the half-typed input is redrawn after it, so output never
 * breaks the line being typed. Lines are `Rich` text: every string in them is
 * sanitised here, where it is written, whoever built the line. Colours
 * (XEP-0392 for names) only on a terminal without NO_COLOR.
 */
import type { Interface } from "node:readline";
import { render, type Rich, type Styled, styled } from "../text/rich.ts";
import { consistentColor } from "./colors.ts";

/** Options for {@linkcode createView}. */
export interface ViewOptions {
  /** A terminal (prompt, redraw, colours) or a pipe (plain lines). */
  interactive: boolean;
  color: boolean;
  bell: boolean;
  write(text: string): void;
  /** The terminal's width in columns, when known. */
  columns?(): number | undefined;
  /** Milliseconds since some start, for rate-limiting the bell (default `performance.now`). */
  now?(): number;
}

/** What commands and events print through. */
export interface View {
  /** Binds the readline interface once it exists. */
  attach(rl: Interface): void;
  /** Stops redrawing the prompt: the read loop has ended. */
  detach(): void;
  /** A line (or lines) of output; every string in it is sanitised. */
  line(text: Rich): void;
  /** An error line. */
  error(text: Rich): void;
  /** A name in its consistent colour. */
  name(text: string): Styled;
  dim(text: Rich): Styled;
  bold(text: Rich): Styled;
  /** Rings the bell, if enabled, at most once every two seconds. */
  ring(): void;
  /** Sets the prompt and redraws it with the current input. */
  setPrompt(text: Rich): void;
  /** The terminal's width, when known. */
  columns(): number | undefined;
}

/** The bell rings at most this often, however many notices arrive. */
const BELL_EVERY_MS = 2000;

/** Creates the view. */
export function createView(options: ViewOptions): View {
  let rl: Interface | undefined;
  let lastBell = -Infinity;
  const now = options.now ?? (() => performance.now());
  const color = { color: options.color };
  const view: View = {
    attach(readline) {
      rl = readline;
    },
    detach() {
      rl = undefined;
    },
    line(text) {
      const out = render(text, color);
      if (options.interactive && rl) {
        // Clear the prompt line, print, then redraw prompt and partial input.
        options.write(`\r\x1b[2K${out}\n`);
        rl.prompt(true);
      } else {
        options.write(`${out}\n`);
      }
    },
    error(text) {
      view.line(styled("red", text));
    },
    name(text) {
      return styled({ rgb: consistentColor(text) }, text);
    },
    dim: (text) => styled("dim", text),
    bold: (text) => styled("bold", text),
    ring() {
      if (!options.bell || !options.interactive) return;
      const at = now();
      if (at - lastBell < BELL_EVERY_MS) return;
      lastBell = at;
      options.write("\x07");
    },
    setPrompt(text) {
      if (!rl || !options.interactive) return;
      rl.setPrompt(render(text, color));
      rl.prompt(true);
    },
    columns() {
      return options.columns?.();
    },
  };
  return view;
}
