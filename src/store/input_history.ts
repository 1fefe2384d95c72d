/**
 * Interactive mode's line history (`<profile>/pidgin/<account>/input_history`,
 * one line per entry, oldest first). Several sessions may run at once, so a
 * session never rewrites the file from what it read at start: it appends
 * what it added to what is there now, under the file's lock, and writes the
 * result atomically (temp file, fsync, rename; 0600).
 */
import { replaceFile } from "./_atomic_write.ts";
import { fsError } from "./_fs_error.ts";
import { withFileLock } from "./file_lock.ts";

/** At most this much of the end of the file is read: a huge file costs no more. */
const TAIL_BYTES = 1 << 20;

function lines(text: string): string[] {
  return text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) =>
    l.trim() !== ""
  );
}

/**
 * The last `limit` lines of the history, oldest first. A missing file (or
 * anything but a regular file) is an empty history.
 *
 * Requires read access to the file.
 */
export async function readInputHistory(
  file: string,
  limit: number,
): Promise<string[]> {
  let text: string;
  try {
    const info = await Deno.lstat(file);
    if (!info.isFile) return [];
    using handle = await Deno.open(file, { read: true });
    const size = (await handle.stat()).size;
    const start = Math.max(0, size - TAIL_BYTES);
    await handle.seek(start, Deno.SeekMode.Start);
    const bytes = new Uint8Array(size - start);
    let read = 0;
    while (read < bytes.length) {
      const n = await handle.read(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    text = new TextDecoder().decode(bytes.subarray(0, read));
    if (start > 0) text = text.slice(text.indexOf("\n") + 1); // a partial first line
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw fsError(`Cannot read the input history "${file}"`, err);
  }
  const all = lines(text);
  return limit > 0 ? all.slice(-limit) : [];
}

/**
 * Adds `newLines` (oldest first) to the history as it is now, keeps the
 * last `limit` lines and replaces the file atomically, under the file's
 * lock so that sessions quitting at the same time lose nothing.
 *
 * Requires read/write access to the file's directory.
 */
export function appendInputHistory(
  file: string,
  newLines: string[],
  limit: number,
): Promise<void> {
  const added = newLines.flatMap(lines);
  if (added.length === 0) return Promise.resolve();
  return withFileLock(file, async () => {
    const all = [...await readInputHistory(file, limit), ...added];
    const kept = limit > 0 ? all.slice(-limit) : [];
    try {
      await replaceFile(
        file,
        new TextEncoder().encode(kept.length ? `${kept.join("\n")}\n` : ""),
      );
    } catch (err) {
      throw fsError(`Cannot write the input history "${file}"`, err);
    }
  });
}
