/**
 * One conversation log file, appended the way that loses nothing and
 * doubles nothing when Pidgin or another pidgin writes the same profile:
 * every append holds an exclusive `flock` on the file, looks at its end
 * first (empty: write the header; our html footer: take it off, the
 * document continues), and a write that fails half way is cut back to the
 * size before it, so no torn line is left. A file this append created and
 * could not fill is removed again.
 *
 * Everything is synchronous: one write(2) costs ~1 µs where Deno's async
 * write costs ~30 µs, and order is kept without a queue.
 */
import { dirname, sep } from "node:path";
import { StoreError } from "../errors.ts";
import { fsError } from "./_fs_error.ts";

/** The write(2) of a log line: bytes written, or throws. */
export type WriteSync = (file: Deno.FsFile, bytes: Uint8Array) => number;

/** What one append writes. */
export interface AppendPlan {
  /** Written first when the file is empty (a new log). */
  header: () => string;
  /** The entries, as text. */
  body: string;
  /** The html footer to move to the end, or "" for txt. */
  footer: string;
  /** Runs after the body is written, with the byte offset it starts at; a throw undoes the append. */
  after?: (bodyOffset: number, prefixBytes: number) => void;
  /** Runs right before the bytes are written, with where they go and what they are; a throw cancels the append. */
  before?: (start: number, bytes: Uint8Array) => void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function writeAll(write: WriteSync, file: Deno.FsFile, bytes: Uint8Array) {
  let offset = 0;
  while (offset < bytes.length) offset += write(file, bytes.subarray(offset));
}

function refuseOddFile(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  if (!info.isFile) {
    throw new StoreError(
      `Cannot write the chat log "${path}": it is ${
        info.isSymlink ? "a symbolic link" : "not a regular file"
      }`,
      { hint: "Move it out of the logs folder, then retry" },
    );
  }
}

/** Creates the folders of `path` (0700) and checks they stay inside `root` once links are followed. */
export function makeLogDir(path: string, root: string): void {
  const dir = dirname(path);
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const real = Deno.realPathSync(dir);
    if (!real.startsWith(Deno.realPathSync(root) + sep)) {
      throw new StoreError(
        `Cannot write the chat log "${path}": a symbolic link leads out of the logs folder`,
      );
    }
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw fsError(`Cannot write the chat log "${path}"`, err);
  }
}

/** An open log file; see the module doc. */
export class LogFile {
  readonly path: string;
  #file: Deno.FsFile | undefined;
  #write: WriteSync;
  /** The size we left the file at; while it is still that, nobody else wrote. */
  #end: number | undefined;

  constructor(path: string, write: WriteSync) {
    this.path = path;
    this.#write = write;
  }

  #open(): Deno.FsFile {
    refuseOddFile(this.path);
    return Deno.openSync(this.path, {
      read: true,
      append: true,
      create: true,
      mode: 0o600,
    });
  }

  /**
   * Locks the file and returns its size. Until this handle has written, the
   * path is checked to still name the file it opened: another writer may
   * have removed a file it created and could not fill.
   */
  #lock(): [Deno.FsFile, number] {
    for (let attempt = 0; attempt < 5; attempt++) {
      const file = this.#file ??= this.#open();
      file.lockSync(true);
      if (this.#end !== undefined) {
        return [file, file.seekSync(0, Deno.SeekMode.End)];
      }
      const ours = file.statSync();
      let there: Deno.FileInfo | undefined;
      try {
        there = Deno.lstatSync(this.path);
      } catch {
        there = undefined;
      }
      if (there?.isFile && there.ino === ours.ino && there.dev === ours.dev) {
        return [file, ours.size];
      }
      file.close();
      this.#file = undefined;
    }
    throw new StoreError(
      `Cannot write the chat log "${this.path}": it keeps being replaced`,
    );
  }

  #tail(file: Deno.FsFile, size: number, length: number): string {
    const n = Math.min(size, length);
    const bytes = new Uint8Array(n);
    file.seekSync(size - n, Deno.SeekMode.Start);
    let read = 0;
    while (read < n) {
      const got = file.readSync(bytes.subarray(read));
      if (got === null) break;
      read += got;
    }
    return decoder.decode(bytes.subarray(0, read));
  }

  /** Appends `plan` under the lock; throws StoreError, leaving the file as it was. */
  append(plan: AppendPlan): void {
    // Fast path after the first write: lock, seek to the end, write, unlock.
    let file: Deno.FsFile;
    let size: number;
    try {
      [file, size] = this.#lock();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw fsError(`Cannot write the chat log "${this.path}"`, err);
    }
    const before = size;
    let footerRemoved = false;
    try {
      let prefix = "";
      if (size !== this.#end) {
        // Someone else wrote since our last line (or this is our first).
        let tail = this.#tail(file, size, Math.max(plan.footer.length, 1));
        if (plan.footer && tail === plan.footer) {
          file.truncateSync(size - plan.footer.length);
          size -= plan.footer.length;
          footerRemoved = true;
          tail = this.#tail(file, size, 1);
        }
        prefix = size === 0 ? plan.header() : tail.endsWith("\n") ? "" : "\n"; // a line another writer left unfinished
      }
      const bytes = encoder.encode(prefix + plan.body);
      const prefixBytes = prefix ? encoder.encode(prefix).length : 0;
      this.#end = undefined;
      plan.before?.(size, bytes);
      writeAll(this.#write, file, bytes);
      plan.after?.(size + prefixBytes, prefixBytes);
      this.#end = size + bytes.length;
    } catch (err) {
      this.#undo(
        file,
        footerRemoved ? size : before,
        footerRemoved ? plan.footer : "",
      );
      if (err instanceof StoreError) throw err;
      throw fsError(`Cannot write the chat log "${this.path}"`, err);
    } finally {
      this.#unlock(file);
    }
  }

  /** Cuts the file back to `size` (and restores a footer we took off); removes a file left empty. */
  #undo(file: Deno.FsFile, size: number, footer: string): void {
    try {
      file.truncateSync(size);
      if (footer) writeAll(this.#write, file, encoder.encode(footer));
    } catch {
      // Nothing more can be done; the error that brought us here is reported.
    }
    if (size === 0 && !footer) {
      try {
        Deno.removeSync(this.path);
      } catch {
        // Already gone, or not ours to remove.
      }
      file.close();
      this.#file = undefined;
    }
  }

  #unlock(file: Deno.FsFile): void {
    if (this.#file !== file) return; // closed by #undo
    try {
      file.unlockSync();
    } catch {
      // Closing releases it anyway.
    }
  }

  /** Appends the html footer (if any and if the file has content), then closes. */
  close(footer: string): void {
    try {
      if (footer && this.#file) {
        const [file, size] = this.#lock();
        try {
          if (size > 0 && this.#tail(file, size, footer.length) !== footer) {
            writeAll(this.#write, file, encoder.encode(footer));
          }
        } finally {
          this.#unlock(file);
        }
      }
    } catch (err) {
      throw fsError(`Cannot finish the chat log "${this.path}"`, err);
    } finally {
      this.#file?.close();
      this.#file = undefined;
    }
  }
}
