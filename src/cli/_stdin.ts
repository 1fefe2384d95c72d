import { UsageError } from "../errors.ts";

/** Reads all of stdin as text. */
export async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

/**
 * The text of a message: the words after the command, else piped stdin
 * (many lines are one message; one final newline is dropped). `what` names
 * the action for errors, e.g. "send a message".
 */
export async function readMessage(
  words: string[],
  what: string,
): Promise<string> {
  let text: string;
  if (words.length > 0) {
    text = words.join(" ");
  } else if (Deno.stdin.isTerminal()) {
    throw new UsageError(`Cannot ${what}: no text given`, {
      hint: "Pass the text as arguments, or pipe it on stdin",
    });
  } else {
    text = (await readAllStdin()).replace(/\r?\n$/, "");
  }
  if (text.trim() === "") {
    throw new UsageError(`Cannot ${what}: the text is empty`, {
      hint: "Pass the text as arguments, or pipe it on stdin",
    });
  }
  return text;
}
