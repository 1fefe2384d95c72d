/**
 * Replacing a file atomically: the new bytes go to `<file>.<uuid>.tmp`
 * (mode 0600, synced), which is then renamed over the file, so a reader or
 * a crash sees the old file or the new one, never half of one. A temp file
 * that could not be finished is removed.
 */
import { dirname } from "node:path";

/** Writes `bytes` to a new `<file>.<uuid>.tmp` (mode 0600, synced) and returns its path. */
export async function writeTemp(
  file: string,
  bytes: Uint8Array,
): Promise<string> {
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    using handle = await Deno.open(tmp, {
      write: true,
      createNew: true,
      mode: 0o600,
    });
    let offset = 0;
    while (offset < bytes.length) {
      offset += await handle.write(bytes.subarray(offset));
    }
    await handle.sync();
    return tmp;
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Replaces `file` with `bytes`, creating its directory (0700) when missing. */
export async function replaceFile(
  file: string,
  bytes: Uint8Array,
): Promise<void> {
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = await writeTemp(file, bytes);
  try {
    await Deno.rename(tmp, file);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** {@linkcode replaceFile}, synchronously (for callers holding a file lock in sync code). */
export function replaceFileSync(file: string, bytes: Uint8Array): void {
  Deno.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    using handle = Deno.openSync(tmp, {
      write: true,
      createNew: true,
      mode: 0o600,
    });
    let offset = 0;
    while (offset < bytes.length) {
      offset += handle.writeSync(bytes.subarray(offset));
    }
    handle.syncSync();
    Deno.renameSync(tmp, file);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never made */ }
    throw err;
  }
}
