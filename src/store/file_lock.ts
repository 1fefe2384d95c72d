/**
 * Read-modify-write of profile files without lost updates: writes to one
 * file are serialised within the process (a promise chain per path) and
 * across processes (an exclusive `flock` on `<file>.lock`, which the kernel
 * releases when a process dies, so a crash never leaves a stale lock).
 */
import { dirname } from "node:path";
import { fsError } from "./_fs_error.ts";

const chains = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` while holding the lock of `file`: no other call in this process
 * and no other process using this function runs at the same time for it.
 *
 * Requires read/write access to the directory of `file`.
 */
export function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
): Promise<T> {
  const previous = chains.get(file) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => lockedRun(file, fn));
  const tail = run.catch(() => {});
  chains.set(file, tail);
  tail.then(() => {
    if (chains.get(file) === tail) chains.delete(file);
  });
  return run;
}

async function lockedRun<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${file}.lock`;
  let handle: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
    handle = await Deno.open(lockPath, {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
  } catch (err) {
    throw fsError(`Cannot lock "${file}"`, err);
  }
  try {
    await handle.lock(true);
    return await fn();
  } finally {
    // Closing the descriptor releases the lock.
    handle.close();
  }
}
