import assert from "node:assert/strict";
import { COMMANDS, formatHelpRow } from "../../src/interactive/commands/mod.ts";

Deno.test("formatHelpRow() wraps summaries at word boundaries to fit the terminal", () => {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  for (const columns of [120, 100, 80]) {
    for (const c of COMMANDS) {
      const lines = formatHelpRow(c.usage, c.summary, width, columns).split(
        "\n",
      );
      for (const line of lines) {
        assert.ok(line.length <= columns, `${columns}: ${line}`);
      }
      const words = lines.join(" ").replace(c.usage, "").trim().split(/\s+/);
      assert.deepEqual(words, c.summary.split(/\s+/), `${columns}: ${c.name}`);
    }
  }
});

Deno.test("formatHelpRow() does not wrap without a terminal", () => {
  assert.equal(
    formatHelpRow("/quit", "Go offline", 8, undefined),
    "/quit     Go offline",
  );
});

Deno.test("complete() never hands readline a name with escape sequences", async () => {
  const { complete } = await import("../../src/interactive/completion.ts");
  const account = {
    roster: new Map([["evil@x", {
      jid: "evil@x",
      name: "\x1b]0;pwned\x07Eve",
    }]]),
    nameOf: () => "\x1b]0;pwned\x07Eve",
  };
  const app = { accounts: [account], conversations: new Map() };
  const [candidates] = complete(
    "/chat \x1b",
    app as unknown as Parameters<typeof complete>[1],
  );
  for (const c of candidates) assert.ok(!c.includes("\x1b"), c);
  const [byName] = complete(
    "/chat e",
    app as unknown as Parameters<typeof complete>[1],
  );
  assert.deepEqual(byName, ["evil@x"]);
});
