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
