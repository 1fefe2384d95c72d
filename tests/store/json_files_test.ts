import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import {
  openJsonDir,
  openJsonFile,
  readJsonFile,
  type SetAsideEvent,
  writeJsonFile,
} from "../../src/store/mod.ts";

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir();
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

function namesIn(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("writeJsonFile() writes owner-only files that readJsonFile() reads back", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "a", "state.json");
  await writeJsonFile(file, { n: 1 });
  assert.deepEqual(await readJsonFile(file), { n: 1 });
  assert.equal(Deno.statSync(file).mode! & 0o777, 0o600);
  assert.equal(await readJsonFile(join(dir.path, "missing.json")), undefined);
});

Deno.test("readJsonFile() throws a StoreError naming a damaged file unless told to set it aside", async (t) => {
  await using dir = await tempDir();
  const file = join(dir.path, "tickets.json");
  await t.step("not JSON: StoreError by default, the file stays", async () => {
    await Deno.writeTextFile(file, "{ not json");
    await assert.rejects(readJsonFile(file), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.match(err.message, /tickets\.json": not valid JSON$/);
      return true;
    });
    assert.deepEqual(namesIn(dir.path), ["tickets.json"]);
  });
  await t.step(
    "set-aside: renamed, reported once, read as missing",
    async () => {
      const seen: SetAsideEvent[] = [];
      const read = await readJsonFile(file, {
        onDamaged: "set-aside",
        onSetAside: (e) => seen.push(e),
      });
      assert.equal(read, undefined);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.reason, "not valid JSON");
      assert.match(
        seen[0]!.movedTo,
        /tickets\.json\.damaged-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/,
      );
      assert.equal(await Deno.readTextFile(seen[0]!.movedTo), "{ not json");
      const names = namesIn(dir.path);
      assert.equal(names.length, 1);
      assert.ok(names[0]!.startsWith("tickets.json.damaged-"));
    },
  );
  await t.step("data refused by check counts as damaged", async () => {
    await writeJsonFile(file, { version: 9 });
    const seen: SetAsideEvent[] = [];
    assert.equal(
      await readJsonFile(file, {
        onDamaged: "set-aside",
        check: (d) =>
          (d as { version?: number }).version === 1
            ? undefined
            : "unknown version",
        onSetAside: (e) => seen.push(e),
      }),
      undefined,
    );
    assert.deepEqual(seen.map((e) => e.reason), ["unknown version"]);
  });
});

Deno.test("openJsonFile().update() loses no update when calls in one process overlap", async () => {
  await using dir = await tempDir();
  const file = openJsonFile(join(dir.path, "counter.json"));
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      file.update((data) => {
        const seen = (data as number[] | undefined) ?? [];
        return Promise.resolve({ data: [...seen, i], result: undefined });
      })),
  );
  const all = (await file.read()) as number[];
  assert.deepEqual([...all].sort((a, b) => a - b), [...Array(40).keys()]);
});

Deno.test("openJsonFile() sets a damaged file aside on read and on update, then starts empty", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "index.json");
  const seen: string[] = [];
  const file = openJsonFile(path, {
    check: (d) => Array.isArray(d) ? undefined : "expected a list",
    onSetAside: (e) => seen.push(e.reason),
  });
  await Deno.writeTextFile(path, '{"not": "a list"}');
  assert.equal(await file.read(), undefined);
  await Deno.writeTextFile(path, "garbage");
  await file.update((data) => {
    assert.equal(data, undefined);
    return Promise.resolve({ data: [1], result: undefined });
  });
  assert.deepEqual(await file.read(), [1]);
  assert.deepEqual(seen, ["expected a list", "not valid JSON"]);
  assert.equal(
    namesIn(dir.path).filter((n) => n.includes(".damaged-")).length,
    2,
  );
});

Deno.test("openJsonDir() hands damaged records over as errors and moves them to rejected/", async () => {
  await using dir = await tempDir();
  const records = openJsonDir(dir.path);
  await records.put("001-good", { ok: true });
  await Deno.writeTextFile(join(dir.path, "002-bad.json"), "{ cut");
  await Deno.writeTextFile(join(dir.path, "003 copy.json"), "{}");
  await Deno.writeTextFile(join(dir.path, "004.json.1234.tmp"), "{");
  const listed = await records.list();
  assert.deepEqual(listed.map(([n]) => n), ["001-good", "002-bad", "003 copy"]);
  assert.deepEqual(listed[0]![1], { ok: true });
  assert.ok(listed[1]![1] instanceof Error);
  assert.equal((listed[1]![1] as Error).message, "not valid JSON");
  assert.ok(listed[2]![1] instanceof Error);

  const moved = await records.reject("002-bad");
  assert.equal(moved?.name, "002-bad");
  assert.equal(await Deno.readTextFile(moved!.path), "{ cut");
  const odd = await records.reject("003 copy");
  assert.match(odd!.name, /^invalid-003_copy$/);
  assert.equal(await records.reject("002-bad"), undefined, "already gone");
  assert.deepEqual((await records.list()).map(([n]) => n), ["001-good"]);
  assert.deepEqual(
    (await records.listRejected()).map(([n]) => n),
    ["002-bad", "invalid-003_copy"],
  );
  assert.equal(await records.removeRejected("002-bad"), true);
  assert.equal(await records.removeRejected("002-bad"), false);
  assert.equal(await records.remove("001-good"), true);
  assert.equal(await records.remove("001-good"), false);
});
