/**
 * A search hit as both modes show it: time, conversation, sender and the
 * text with its matches highlighted, continuation lines indented.
 */
import { CONTINUATION } from "../text/continuation.ts";
import { type Rich, styled } from "../text/rich.ts";
import type { SearchHit } from "./search.ts";

const pad = (n: number) => String(n).padStart(2, "0");

/** Local time as `2026-11-25 18:18:07`. */
function formatTime(t: Date): string {
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${
    pad(t.getHours())
  }:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** Continuation lines indented, as `pidgin log` shows them. */
function indent(text: string): string {
  return text.replace(/\r?\n/g, `\n${CONTINUATION}`);
}

/** The body with its matches highlighted. */
function highlighted(hit: SearchHit): Rich[] {
  const parts: Rich[] = [];
  let at = 0;
  for (const [start, end] of hit.matches) {
    if (start < at || end > hit.body.length) continue;
    parts.push(indent(hit.body.slice(at, start)));
    parts.push(styled("highlight", indent(hit.body.slice(start, end))));
    at = end;
  }
  parts.push(indent(hit.body.slice(at)));
  return parts;
}

/** One hit as one line (plus indented continuation lines). */
export function formatHit(hit: SearchHit, showAccount: boolean): Rich {
  const where = `${showAccount ? `${hit.account} ` : ""}${hit.conversation}${
    hit.room ? " (room)" : ""
  }`;
  const who = hit.kind === "action" && hit.sender
    ? `***${hit.sender} `
    : hit.sender
    ? `${hit.sender}: `
    : "";
  return [
    styled("dim", formatTime(hit.time)),
    "  ",
    styled("bold", where),
    "  ",
    indent(who),
    ...highlighted(hit),
  ];
}
