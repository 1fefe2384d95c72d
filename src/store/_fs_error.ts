/** File-system failures as one line that says what went wrong and where to look. */
import { StoreError } from "../errors.ts";

/**
 * Why a file operation failed, for the errno codes a profile directory can
 * give. Deno has classes for some (NotFound, PermissionDenied …) and gives
 * the rest as a plain `Error` with `code` set to the errno name.
 */
const REASONS: Record<string, string> = {
  ENOENT: "it does not exist",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "it is a directory",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EFBIG: "the file is too large",
  ENAMETOOLONG: "the file name is too long",
  ELOOP: "too many symbolic links",
  EIO: "an input/output error occurred",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open",
  EEXIST: "it already exists",
};

function codeOf(err: unknown): string | undefined {
  if (err instanceof Deno.errors.NotFound) return "ENOENT";
  if (err instanceof Deno.errors.PermissionDenied) return "EACCES";
  if (err instanceof Deno.errors.NotADirectory) return "ENOTDIR";
  if (err instanceof Deno.errors.IsADirectory) return "EISDIR";
  if (err instanceof Deno.errors.AlreadyExists) return "EEXIST";
  if (err instanceof Deno.errors.FilesystemLoop) return "ELOOP";
  if (err instanceof Error && "code" in err && typeof err.code === "string") {
    return err.code;
  }
  return undefined;
}

function reasonOf(err: unknown): string {
  const code = codeOf(err);
  if (code && REASONS[code]) return REASONS[code];
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.replace(/ \(os error \d+\).*$/, "");
}

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
