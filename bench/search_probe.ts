/**
 * Helper of bench/search.ts, run as its own process: loads the modules,
 * then times one search as the core runs it (bring the index up to date,
 * then the query) and prints the figures as JSON: `update` and `query` in
 * ms. Arguments: <profile> <query> [limit].
 */
import { openLogIndex, parseSearchQuery } from "../src/store/mod.ts";

const [dir, text, limit] = Deno.args;
const t0 = performance.now();
using index = openLogIndex(dir!);
const updated = await index.update();
const t1 = performance.now();
const page = await index.search({
  node: parseSearchQuery(text!),
  limit: Number(limit ?? 50),
});
const t2 = performance.now();
console.log(JSON.stringify({
  ms: t2 - t0,
  update: t1 - t0,
  query: t2 - t1,
  files: updated.files,
  entries: updated.entries,
  hits: page.hits.length,
}));
