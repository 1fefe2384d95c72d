import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendInputHistory,
  readInputHistory,
} from "../../src/store/input_history.ts";

const MODULE = new URL("../../src/store/input_history.ts", import.meta.url)
  .href;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("appendInputHistory() keeps the lines of a session that quit earlier", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "pidgin", "alice@localhost", "input_history");
    await appendInputHistory(file, ["old"], 100);
    // Two sessions start and read the same history …
    assert.deepEqual(await readInputHistory(file, 100), ["old"]);
    // … and quit one after the other, each with the lines it added.
    await appendInputHistory(file, ["/chat bob", "hi bob"], 100);
    await appendInputHistory(file, ["/status away"], 100);
    assert.deepEqual(await readInputHistory(file, 100), [
      "old",
      "/chat bob",
      "hi bob",
      "/status away",
    ]);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  });
});

Deno.test("appendInputHistory() trims to the limit, keeping the newest lines", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "input_history");
    await appendInputHistory(file, ["1", "2", "3"], 3);
    await appendInputHistory(file, ["4", "5"], 3);
    assert.deepEqual(await readInputHistory(file, 3), ["3", "4", "5"]);
    assert.deepEqual(await readInputHistory(file, 2), ["4", "5"]);
    assert.equal(await Deno.readTextFile(file), "3\n4\n5\n");
  });
});

Deno.test("appendInputHistory() loses no line when processes quit at the same time", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "input_history");
    const script = (n: number) => `
      import { appendInputHistory } from ${JSON.stringify(MODULE)};
      for (let i = 0; i < 10; i++) {
        await appendInputHistory(${
      JSON.stringify(file)
    }, ["p${n} line " + i], 1000);
      }`;
    const runs = [0, 1, 2, 3].map((n) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", script(n)],
        stdout: "null",
        stderr: "piped",
      }).output()
    );
    for (const out of await Promise.all(runs)) {
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    }
    const lines = await readInputHistory(file, 1000);
    assert.equal(lines.length, 40);
    assert.equal(new Set(lines).size, 40);
  });
});

Deno.test("readInputHistory() reads only the end of a huge file and nothing but a regular file", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "input_history");
    await Deno.writeTextFile(file, "x".repeat(3 << 20) + "\nlast one\n");
    assert.deepEqual(await readInputHistory(file, 5), ["last one"]);
    await Deno.remove(file);
    assert.deepEqual(await readInputHistory(file, 5), []);
    await Deno.mkdir(file);
    assert.deepEqual(await readInputHistory(file, 5), []);
  });
});
