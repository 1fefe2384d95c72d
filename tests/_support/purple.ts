/** Throwaway Pidgin profiles for tests, and helpers to search them. */
import { join } from "node:path";
import type { IndexHit, LogIndex } from "../../src/store/mod.ts";
import { parseSearchQuery } from "../../src/store/mod.ts";
import { fixture } from "./env.ts";

/** A temp profile, removed on dispose. */
export interface TempProfile extends AsyncDisposable {
  dir: string;
  /** `<dir>/logs/jabber/alice@localhost/<folder>`. */
  conv(folder: string): string;
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(join(from, e.name), join(to, e.name));
    else if (e.isFile) {
      await Deno.copyFile(join(from, e.name), join(to, e.name));
    }
  }
}

/** A temp profile holding a copy of the Finch fixture's logs (or nothing). */
export async function tempProfile(
  options: { fixture?: boolean } = {},
): Promise<TempProfile> {
  const dir = await Deno.makeTempDir({ prefix: "pidgin-search-" });
  if (options.fixture ?? true) {
    await copyDir(fixture("purple/logs"), join(dir, "logs"));
  }
  return {
    dir,
    conv: (folder) => join(dir, "logs", "jabber", "alice@localhost", folder),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Every hit of `text`, paging through with the cursor; brings the index up to date first. */
export async function searchAll(
  index: LogIndex,
  text: string,
  filters: {
    contact?: string;
    account?: string;
    room?: boolean;
    limit?: number;
  } = {},
): Promise<IndexHit[]> {
  await index.update();
  const hits: IndexHit[] = [];
  let before: number | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await index.search({
      node: parseSearchQuery(text),
      limit: filters.limit ?? 7,
      before,
      ...filters,
    });
    hits.push(...result.hits);
    if (result.next === undefined) return hits;
    before = result.next;
  }
  throw new Error("searchAll: too many pages");
}

/** What identifies a hit, for comparing two searches. */
export function hitKeys(hits: IndexHit[]): string[] {
  return hits.map((h) =>
    `${h.conversation} ${h.file}@${h.offset} ${h.time} ${
      h.sender ?? ""
    }: ${h.body}`
  );
}
