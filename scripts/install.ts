/**
 * `deno task install`: puts a plain `pidgin` command on the PATH (Deno's
 * global bin, `~/.deno/bin`, or `--root <dir>`/bin), running this checkout's
 * main.ts with exactly the permissions of the `pidgin` task, which are also
 * the ones `deno task compile` grants and the tests run with.
 */
const root = new URL("..", import.meta.url).pathname;
const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
const permissions = String(config.tasks.pidgin)
  .replace(/^deno run /, "")
  .replace(/ main\.ts$/, "")
  .split(" ");
const args = [
  "install",
  "--global",
  "--force",
  "--name",
  "pidgin",
  "--config",
  `${root}deno.json`,
  ...Deno.args,
  ...permissions,
  `${root}main.ts`,
];
const { code } = await new Deno.Command(Deno.execPath(), { args }).spawn()
  .status;
if (code === 0) {
  console.error(
    "install: done; run pidgin --help (add Deno's bin directory to PATH if the shell does not find it)",
  );
}
Deno.exit(code);
