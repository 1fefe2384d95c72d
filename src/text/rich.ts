/**
 * Text on its way to a terminal, with our own styling kept apart from the
 * words: every string in a `Rich` value is sanitised when it is rendered, so
 * text from the network, the backend or a file can never carry an escape
 * sequence to the terminal, whoever built the line. Only `render` adds
 * escape codes, and only for the styles below.
 */
import { sanitizeForTerminal } from "./sanitize.ts";

/** The styles output may use. */
export type Style = "dim" | "bold" | "red" | "highlight" | {
  rgb: [number, number, number];
};

/** A string (sanitised when rendered), a styled part, or a sequence of parts. */
export type Rich = string | Styled | readonly Rich[];

/** A part of a line in one style. In a template string it becomes its plain, sanitised text. */
export class Styled {
  constructor(readonly style: Style, readonly content: Rich) {}
  toString(): string {
    return render(this, { color: false });
  }
}

const SGR: Record<Exclude<Style, { rgb: unknown }>, [string, string]> = {
  dim: ["2", "22"],
  bold: ["1", "22"],
  red: ["31", "39"],
  highlight: ["1;4", "22;24"],
};

/** Sanitises every string of `rich` and, with `color`, applies the styles. */
export function render(rich: Rich, options: { color: boolean }): string {
  if (typeof rich === "string") return sanitizeForTerminal(rich);
  if (rich instanceof Styled) {
    const inner = render(rich.content, options);
    if (!options.color) return inner;
    const [on, off] = typeof rich.style === "object"
      ? [`38;2;${rich.style.rgb.join(";")}`, "39"]
      : SGR[rich.style];
    return `\x1b[${on}m${inner}\x1b[${off}m`;
  }
  let out = "";
  for (const part of rich) out += render(part, options);
  return out;
}

/** `content` in `style`. */
export function styled(style: Style, content: Rich): Styled {
  return new Styled(style, content);
}
