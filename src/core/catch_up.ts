/**
 * What a first start reads of the archive: a bounded recent window, and
 * nothing the profile's logs already cover. Pidgin's own logs carry no
 * archive ids, so the window begins where the newest log of the account was
 * last written.
 */
import { join } from "node:path";

/** At most this many messages on a first start. */
const FIRST_START_MAX = 500;
/** And none older than this. */
const FIRST_START_DAYS = 7;

/** The first start's window for `account`: `{ max, sinceMs }` for the session's catch-up. */
export async function firstStartWindow(
  purpleDir: string,
  account: string,
): Promise<{ max: number; sinceMs: number }> {
  const { folderName } = await import("../store/mod.ts");
  const dir = join(purpleDir, "logs", "jabber", folderName(account));
  let newest = 0;
  try {
    for await (const conversation of Deno.readDir(dir)) {
      if (!conversation.isDirectory) continue;
      const info = await Deno.stat(join(dir, conversation.name)).catch(() =>
        undefined
      );
      // A folder's time changes when a file is added; appends change the newest file's.
      newest = Math.max(newest, info?.mtime?.getTime() ?? 0);
      for await (const file of Deno.readDir(join(dir, conversation.name))) {
        if (!file.isFile) continue;
        const f = await Deno.stat(join(dir, conversation.name, file.name))
          .catch(() => undefined);
        newest = Math.max(newest, f?.mtime?.getTime() ?? 0);
      }
    }
  } catch {
    // No logs yet: the whole window.
  }
  const floor = Date.now() - FIRST_START_DAYS * 86_400_000;
  return {
    max: FIRST_START_MAX,
    sinceMs: Date.now() - Math.max(floor, newest),
  };
}
