import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sources(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

Deno.test("deno task compile names every module the program loads on first use, and only files that exist", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const task: string = config.tasks.compile;
  const included = [...task.matchAll(/--include (\S+)/g)].map((m) => m[1]!);
  for (const file of included) {
    await Deno.stat(join(ROOT, file)); // throws NotFound for a stale entry
  }
  const wanted = new Set<string>();
  for (
    const file of [join(ROOT, "main.ts"), ...await sources(join(ROOT, "src"))]
  ) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)) {
      wanted.add(relative(ROOT, join(dirname(file), m[1]!)));
    }
    // Worker scripts, and imports by computed URL (so that start-up does
    // not preload them), are loaded by URL at run time too.
    for (
      const m of text.matchAll(
        /(?:new Worker|import)\(\s*new URL\(\s*"(\.[^"]+)"\s*,\s*import\.meta\.url/g,
      )
    ) {
      wanted.add(relative(ROOT, join(dirname(file), m[1]!)));
    }
  }
  const missing = [...wanted].filter((m) => !included.includes(m)).sort();
  assert.deepEqual(missing, []);
  // The permissions are the pidgin task's, which the tests run with.
  const permissions = String(config.tasks.pidgin).replace(/^deno run /, "")
    .replace(/ main\.ts$/, "");
  assert.ok(task.startsWith(`deno compile ${permissions} --include`), task);
});
