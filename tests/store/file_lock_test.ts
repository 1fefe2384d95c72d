import assert from "node:assert/strict";
import { join } from "node:path";
import { withFileLock } from "../../src/store/file_lock.ts";

const LOCK_MODULE = new URL("../../src/store/file_lock.ts", import.meta.url)
  .href;

async function increment(file: string): Promise<void> {
  await withFileLock(file, async () => {
    const n = Number(await Deno.readTextFile(file).catch(() => "0"));
    await Deno.writeTextFile(file, String(n + 1));
  });
}

Deno.test("withFileLock() loses no update when calls in one process overlap", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "counter");
  await Promise.all(Array.from({ length: 50 }, () => increment(file)));
  assert.equal(await Deno.readTextFile(file), "50");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("withFileLock() loses no update when processes overlap", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "counter");
  const script = `
    import { withFileLock } from ${JSON.stringify(LOCK_MODULE)};
    const file = ${JSON.stringify(file)};
    for (let i = 0; i < 10; i++) {
      await withFileLock(file, async () => {
        const n = Number(await Deno.readTextFile(file).catch(() => "0"));
        await new Promise((r) => setTimeout(r, 1));
        await Deno.writeTextFile(file, String(n + 1));
      });
    }`;
  const runs = Array.from(
    { length: 6 },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", script],
        stdout: "null",
        stderr: "piped",
      }).output(),
  );
  for (const out of await Promise.all(runs)) {
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  }
  assert.equal(await Deno.readTextFile(file), "60");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("withFileLock() releases the lock when the function throws", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "data");
  await assert.rejects(
    withFileLock(file, () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(await withFileLock(file, () => Promise.resolve(7)), 7);
  await Deno.remove(dir, { recursive: true });
});
