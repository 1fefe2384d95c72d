import assert from "node:assert/strict";
import { join } from "node:path";
import { openJsonFile } from "../../src/store/mod.ts";
import { TicketIndex, type TicketSummary } from "../../src/tickets/mod.ts";

function summary(id: string, subject = `ticket ${id}`): TicketSummary {
  const at = new Date().toISOString();
  return {
    id,
    subject,
    status: "open",
    priority: "normal",
    contact: "bob@localhost",
    account: "alice@localhost",
    createdAt: at,
    updatedAt: at,
    messageCount: 1,
  };
}

async function withIndex(
  fn: (index: TicketIndex, file: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "tickets.json");
  try {
    await fn(new TicketIndex(openJsonFile(file)), file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("TicketIndex keeps every update when remember() and setCursor() overlap in one process", async () => {
  await withIndex(async (index) => {
    await index.remember([summary("T-0")]);
    await Promise.all([
      ...Array.from(
        { length: 20 },
        (_, i) => index.remember([summary(`T-${i + 1}`)]),
      ),
      index.setCursor("T-0", "c-7", "pending"),
    ]);
    const all = await index.list();
    assert.equal(all.length, 21);
    const first = await index.get("T-0");
    assert.equal(first?.cursor, "c-7");
    assert.equal(first?.status, "pending");
  });
});

Deno.test("TicketIndex keeps ids such as __proto__ and toString as plain keys, and never pollutes", async () => {
  await withIndex(async (index, file) => {
    assert.equal(await index.get("toString"), undefined);
    assert.equal(await index.get("__proto__"), undefined);
    await index.remember([summary("__proto__"), summary("toString")]);
    await index.setCursor("__proto__", "c-1");
    const again = new TicketIndex(openJsonFile(file));
    assert.deepEqual(
      (await again.list()).map((t) => t.id).sort(),
      ["__proto__", "toString"],
    );
    assert.equal((await again.get("__proto__"))?.cursor, "c-1");
    assert.equal(await again.get("constructor"), undefined);
    assert.equal(({} as Record<string, unknown>).contact, undefined);
    const stored = JSON.parse(await Deno.readTextFile(file));
    assert.ok(Object.hasOwn(stored.tickets, "__proto__"));
  });
});

Deno.test("TicketIndex.advanceCursor() saves only over the cursor it synced from", async () => {
  await withIndex(async (index) => {
    await index.remember([summary("T-1")]);
    assert.equal(
      await index.advanceCursor("T-1", { from: undefined, to: "c-2" }),
      true,
    );
    assert.equal(
      await index.advanceCursor("T-1", { from: undefined, to: "c-1" }),
      false,
      "another sync moved it on meanwhile",
    );
    assert.equal((await index.get("T-1"))?.cursor, "c-2");
  });
});
