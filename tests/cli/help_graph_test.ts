import assert from "node:assert/strict";

const MAIN = new URL("../../main.ts", import.meta.url).href;

Deno.test("pidgin --help loads only the command records: no npm package, no core, store or session", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    stdout: "piped",
    stderr: "null",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const modules = new Map<string, { dependencies?: Dep[] }>(
    graph.modules.map((m: { specifier: string }) => [m.specifier, m]),
  );
  type Dep = { code?: { specifier: string }; isDynamic?: boolean };
  // Static imports only: what start-up pays for before any command runs.
  const loaded = new Set<string>();
  const stack = [MAIN];
  while (stack.length > 0) {
    const specifier = stack.pop()!;
    if (loaded.has(specifier)) continue;
    loaded.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) stack.push(dep.code.specifier);
    }
  }
  const heavy = [...loaded].filter((s) =>
    !s.startsWith("file:") ||
    /\/src\/(core|store|xmpp|tickets|config|interactive)\//.test(s)
  );
  assert.deepEqual(heavy, []);
  // Not even the command tree: a bare --help or --version costs the runtime only.
  const cli = [...loaded].filter((s) => /\/src\/cli\//.test(s)).map((s) =>
    s.slice(s.indexOf("/src/cli/") + 9)
  ).sort();
  assert.deepEqual(cli, ["help_text.ts", "quick.ts", "version.ts"]);
});
