/**
 * The error classes every layer throws, and the exit code each one maps to.
 * Only `main.ts` turns them into an exit status.
 */

/** Documented exit codes (README, "Exit codes"). */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  Usage: 2,
  Config: 3,
  Auth: 4,
  Connection: 5,
  Backend: 6,
  NotConfirmed: 7,
  Interrupted: 130,
} as const;

/** One of the values of {@linkcode ExitCode}. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** Options every {@linkcode AppError} accepts. */
export interface AppErrorOptions extends ErrorOptions {
  /** The next step for the user, printed after the message. */
  hint?: string;
}

/** An expected failure with a one-line message, a hint and an exit code. */
export abstract class AppError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options);
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad arguments or flags: exit 2. */
export class UsageError extends AppError {
  override readonly exitCode = ExitCode.Usage;
}

/** Missing or malformed configuration: exit 3. */
export class ConfigError extends AppError {
  override readonly exitCode = ExitCode.Config;
}

/** The Pidgin profile is missing, unreadable or malformed: exit 3. */
export class StoreError extends AppError {
  override readonly exitCode = ExitCode.Config;
}

/** The server rejected the credentials: exit 4. */
export class AuthError extends AppError {
  override readonly exitCode = ExitCode.Auth;
}

/** DNS, refused, TLS, timeout or stream error: exit 5. */
export class ConnectionError extends AppError {
  override readonly exitCode = ExitCode.Connection;
}

/** The ticket backend failed: exit 6. */
export class BackendError extends AppError {
  override readonly exitCode = ExitCode.Backend;
}

/**
 * A message was written to the server but its acknowledgement never came
 * (the connection ended, or the wait timed out): it may still arrive, so it
 * is not reported as failed. Exit 7.
 */
export class NotConfirmedError extends AppError {
  override readonly exitCode = ExitCode.NotConfirmed;
}

/** The user pressed Ctrl-C: exit 130 after a clean stop. */
export class InterruptedError extends AppError {
  override readonly exitCode = ExitCode.Interrupted;
}

/** A failure already shown to the user (interactive mode): only its exit code is left to set. */
export class ReportedError extends AppError {
  override readonly exitCode: ExitCodeValue;
  readonly reported = true;
  constructor(original: AppError) {
    super(original.message, { cause: original });
    this.exitCode = original.exitCode;
  }
}

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

/** The errno name of a file-system error (`ENOENT`, `ENOSPC` …), when there is one. */
export function fsCode(err: unknown): string | undefined {
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

/** Why a file operation failed, in words (`the disk is full`). */
export function fsReason(err: unknown): string {
  const code = fsCode(err);
  if (code && REASONS[code]) return REASONS[code];
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.replace(/ \(os error \d+\).*$/, "");
}
