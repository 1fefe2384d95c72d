/** File-system failures as one line that says what went wrong and where to look. */
import {
  fsCode as codeOf,
  fsReason as reasonOf,
  StoreError,
} from "../errors.ts";

const HINTS: Record<string, string> = {
  ENOSPC: "Free some disk space, then retry",
  EDQUOT: "Free some space within your disk quota, then retry",
  EROFS:
    "The Pidgin profile is on a read-only file system: remount it writable or pass --purple-dir",
};

/** `Cannot <action>: <reason>`, with a hint to check the profile directory. */
export function fsError(action: string, err: unknown): StoreError {
  const code = codeOf(err);
  return new StoreError(`${action}: ${reasonOf(err)}`, {
    cause: err,
    hint: (code && HINTS[code]) ||
      "Check the Pidgin profile directory (PURPLE_HOME or --purple-dir): it must be a directory you can write",
  });
}
