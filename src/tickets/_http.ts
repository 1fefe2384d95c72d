/**
 * The ticket client's HTTP edge: which base URLs may carry the token, how
 * much of an answer is read, and how untrusted texts are cut to one short
 * line before they reach a message.
 */
import type { z } from "zod";
import { ConfigError } from "../errors.ts";

/** The most bytes of a successful answer pidgin reads (8 MiB). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** The most bytes of an error answer pidgin reads (64 KiB). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The longest backend text (error message, detail) quoted in a message. */
export const MAX_QUOTED_TEXT = 300;

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * The backend's base URL, or a ConfigError: only `https://`, or `http://`
 * to 127.0.0.1, ::1 or localhost (the token must not travel in clear text).
 * Messages name only the origin, never a user name or password in the URL.
 */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("Invalid API_BASE_URL: expected an https:// URL", {
      hint:
        "Set API_BASE_URL to the ticket backend, e.g. https://tickets.example.com",
    });
  }
  const origin = `${url.protocol}//${url.host}`;
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return url;
  throw new ConfigError(
    url.protocol === "http:"
      ? `Refusing API_BASE_URL "${origin}": the API token would travel in clear text`
      : `Invalid API_BASE_URL "${origin}": expected an https:// URL`,
    { hint: "Use https://, or http:// only for 127.0.0.1/::1/localhost" },
  );
}

/**
 * Checks API_TOKEN can be sent as a header without echoing it anywhere:
 * printable ASCII, no spaces.
 */
export function checkToken(token: string): string {
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    throw new ConfigError(
      "Invalid API_TOKEN: expected up to 4096 printable ASCII characters without spaces",
      { hint: "Copy the token again from the ticket backend" },
    );
  }
  return token;
}

/**
 * Reads at most `maxBytes` of a body; `undefined` (the rest cancelled) when
 * it is longer. Read errors (a cut connection, the request's timeout) are
 * thrown as they come.
 */
export async function readCapped(
  res: Response,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes || !res.body) {
    await res.body?.cancel();
    return declared > maxBytes ? undefined : new Uint8Array();
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** `n` bytes as a short size: `8 MiB`, `64 KiB`. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${n / 1024 / 1024} MiB` : `${n / 1024} KiB`;
}

/**
 * Untrusted text as one line of at most `max` characters: every run of
 * white space, control and line-separator characters becomes one space,
 * and a longer text is cut with `…`.
 */
export function oneLine(text: string, max = MAX_QUOTED_TEXT): string {
  // deno-lint-ignore no-control-regex
  const flat = text.replace(/[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+/g, " ")
    .trim();
  if (flat.length <= max) return flat;
  let cut = max - 1;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(flat[cut - 1] ?? "")) cut--;
  return `${flat.slice(0, cut)}…`;
}

/** Milliseconds a 429/503 asks us to wait, when it says. */
export function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The first problem zod found, as `path: message`, on one short line. */
export function describeIssues(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.join(".") : "body";
  return oneLine(`${path}: ${issue.message}`, 200);
}
