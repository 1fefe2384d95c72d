/** Pidgin profile files for the store tests: the Finch fixture's, and temp profiles. */
import { join } from "node:path";
import { fixture } from "./env.ts";

/** The Finch fixture: what libpurple 2.14.12 itself wrote. */
export const FINCH = fixture("purple-finch");

/** Every `name` (accounts.xml, blist.xml) Finch wrote: purple-home, then each stage. */
export function finchFiles(name: string): string[] {
  const stages = [...Deno.readDirSync(join(FINCH, "stages"))]
    .map((d) => d.name).sort();
  return [
    join(FINCH, "purple-home", name),
    ...stages.map((s) => join(FINCH, "stages", s, name)),
  ];
}

/** The text of a file under tests/fixtures. */
export function fixtureText(path: string): string {
  return Deno.readTextFileSync(fixture(path));
}

/** A temp profile directory holding `files` (name -> text), removed on dispose. */
export async function tempProfile(
  files: Record<string, string> = {},
): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "purple-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(path, name), text);
  }
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** Runs `fn` with an empty temp profile directory, removed afterwards. */
export async function withProfile(
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  await using profile = await tempProfile();
  await fn(profile.path);
}
