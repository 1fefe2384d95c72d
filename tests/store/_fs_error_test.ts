import assert from "node:assert/strict";
import { join } from "node:path";
import { StoreError } from "../../src/errors.ts";
import { fsError } from "../../src/store/_fs_error.ts";

function osError(code: string, message: string): Error {
  return Object.assign(new Error(`${message} (os error 0)`), { code });
}

Deno.test("fsError() says why a write failed: disk full, quota, read-only file system, permission", () => {
  const cases: [unknown, string][] = [
    [osError("ENOSPC", "No space left on device"), "the disk is full"],
    [osError("EDQUOT", "Disk quota exceeded"), "the disk quota is exceeded"],
    [osError("EROFS", "Read-only file system"), "the file system is read-only"],
    [
      osError("ENAMETOOLONG", "File name too long"),
      "the file name is too long",
    ],
    [new Deno.errors.PermissionDenied("EACCES"), "permission denied"],
  ];
  for (const [err, reason] of cases) {
    const e = fsError('Cannot write the chat log "x"', err);
    assert.ok(e instanceof StoreError);
    assert.equal(e.message, `Cannot write the chat log "x": ${reason}`);
    assert.equal(e.cause, err);
  }
  assert.match(
    fsError("Cannot write", osError("EROFS", "Read-only file system")).hint ??
      "",
    /read-only/,
  );
});

Deno.test("fsError() names a real failure: a file where a directory should be", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "logs"), "");
    const err = await Deno.mkdir(join(dir, "logs", "jabber")).catch((e) => e);
    assert.equal(
      fsError("Cannot write", err).message,
      "Cannot write: a part of the path is not a directory",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
