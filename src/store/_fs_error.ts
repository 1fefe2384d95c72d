/** File-system failures as one line that says what went wrong and where to look. */
import { StoreError } from "../errors.ts";

function reasonOf(err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "it does not exist";
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotADirectory) {
    return "a part of the path is not a directory";
  }
  if (err instanceof Deno.errors.IsADirectory) return "it is a directory";
  if (err instanceof Error && "code" in err && err.code === "ENOSPC") {
    return "the disk is full";
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.replace(/ \(os error \d+\).*$/, "");
}

/** `Cannot <action>: <reason>`, with a hint to check the profile directory. */
export function fsError(action: string, err: unknown): StoreError {
  return new StoreError(`${action}: ${reasonOf(err)}`, {
    cause: err,
    hint:
      "Check the Pidgin profile directory (PURPLE_HOME or --purple-dir): it must be a directory you can write",
  });
}
