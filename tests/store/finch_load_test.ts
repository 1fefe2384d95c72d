/**
 * Manual check that libpurple loads what pidgin writes: edits copies of the
 * Finch fixture and of the hand-made profile with the store's API, starts
 * Finch 2.14.12 on each in tmux (`finch -c <dir> -d`), lets it load and save,
 * quits it, and reports (1) what its debug log says beyond what it says for
 * the unedited files, and (2) whether the files libpurple wrote back still
 * hold every account, setting, buddy and chat pidgin wrote.
 *
 * Needs Debian's `finch` and `tmux` (`.ci/run` installs them); each scenario
 * takes Finch about ten seconds to load and save.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FINCH_UI,
  readAccounts,
  readBuddyList,
  updateAccounts,
  updateBuddyList,
} from "../../src/store/mod.ts";
import { fixture } from "../_support/env.ts";

const NOISE = [
  /DBus/,
  /smileys\.xml does not exist/,
  /Error reading pounces/,
  /g_hash_table_remove_internal: assertion/, // Finch's own, when it unloads plugins
];
const PROBLEM = /error|warning|critical|assertion|xmlnode|pars(e|ing)/i;

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    stderr: "piped",
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

async function until(
  test: () => Promise<boolean>,
  what: string,
  ms = 30_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs Finch on `dir` until it has loaded and saved both files; returns its debug log. */
async function finch(dir: string): Promise<string> {
  const session = `pidgin-finch-check-${crypto.randomUUID().slice(0, 8)}`;
  const log = join(dir, "debug.log");
  await run("tmux", [
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "200",
    "-y",
    "50",
    `TERM=xterm-256color HOME=${dir} finch -c ${
      join(dir, "purple")
    } -d 2>>${log}`,
  ]);
  const text = () => Deno.readTextFile(log).catch(() => "");
  await until(
    async () => /Reading file blist\.xml/.test(await text()),
    "Finch to load",
  );
  // libpurple saves accounts and blist 5 s after a change; loading counts.
  await until(
    async () => /Writing file .*blist\.xml/.test(await text()),
    "Finch to save",
    20_000,
  );
  await run("tmux", ["send-keys", "-t", session, "M-q"]);
  await until(
    async () => (await run("tmux", ["ls"])).includes(session) === false,
    "Finch to quit",
  );
  return await text();
}

function problems(log: string, dir: string): string[] {
  return log.split("\n").filter((l) =>
    PROBLEM.test(l) && !NOISE.some((n) => n.test(l))
  )
    .map((l) => l.replaceAll(dir, "<dir>"))
    .map((l) =>
      l.replace(/^\(\d\d:\d\d:\d\d\) /, "").replace(/0x[0-9a-f]+/g, "0x…")
    );
}

async function profile(accounts: string, blist: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "finch-check-" });
  await Deno.mkdir(join(dir, "purple"));
  await Deno.copyFile(accounts, join(dir, "purple", "accounts.xml"));
  await Deno.copyFile(blist, join(dir, "purple", "blist.xml"));
  await Deno.copyFile(
    fixture("purple/prefs.xml"),
    join(dir, "purple", "prefs.xml"),
  );
  for (const f of ["accounts.xml", "blist.xml", "prefs.xml"]) {
    await Deno.chmod(join(dir, "purple", f), 0o600);
  }
  // No connection attempts: off for Finch, whatever else the file says.
  await updateAccounts(join(dir, "purple"), (doc) => {
    for (const a of doc.xmppAccounts) {
      doc.setEnabled(a.jid, false, { ui: FINCH_UI });
    }
  });
  return dir;
}

/** What pidgin cares about in the two files, one line per fact, so that what libpurple adds does not count. */
async function snapshot(dir: string): Promise<string[]> {
  const accounts = await readAccounts(dir);
  const blist = await readBuddyList(dir);
  const lines: string[] = [];
  for (const a of accounts.accounts) {
    const id = `account ${a.protocol} ${a.userName}`;
    lines.push(`${id} alias=${a.alias} password=${a.password}`);
    for (const [k, v] of a.settings) {
      lines.push(`${id} setting ${k}=${JSON.stringify(v)}`);
    }
    for (const [ui, settings] of a.uiSettings) {
      for (const [k, v] of settings) {
        lines.push(`${id} ui ${ui} ${k}=${JSON.stringify(v)}`);
      }
    }
  }
  for (const b of blist.buddies) {
    // libpurple writes the account's user name as accounts.xml spells it.
    const account = b.proto === "prpl-jabber"
      ? b.account.toLowerCase()
      : b.account;
    const id = `buddy ${account} ${b.proto} ${b.name} in ${b.group}`;
    lines.push(`${id} alias=${b.alias} contact=${b.contactAlias}`);
    for (const [k, v] of b.settings) {
      lines.push(`${id} setting ${k}=${JSON.stringify(v)}`);
    }
  }
  for (const c of blist.chats) {
    lines.push(
      `chat ${c.account} ${c.alias} in ${c.group} ${
        JSON.stringify([...c.components].sort())
      }`,
    );
  }
  return lines;
}

async function scenario(
  name: string,
  files: [string, string],
  edit: (dir: string) => Promise<void>,
): Promise<string[]> {
  const baseline = await profile(...files);
  const edited = await profile(...files);
  await edit(join(edited, "purple"));
  const wrote = await snapshot(join(edited, "purple"));
  const expected = new Set(problems(await finch(baseline), baseline));
  const extra = problems(await finch(edited), edited).filter((p) =>
    !expected.has(p)
  );
  const kept = await snapshot(join(edited, "purple"));
  const lost = wrote.filter((line) => !kept.includes(line));
  for (const dir of [baseline, edited]) {
    await Deno.remove(dir, { recursive: true });
  }
  return [
    ...extra.map((p) => `${name}: new in Finch's debug log: ${p}`),
    ...lost.map((l) => `${name}: libpurple did not keep: ${l}`),
  ];
}

Deno.test("libpurple (Finch 2.14) loads the accounts.xml and blist.xml pidgin edited, warns of nothing and keeps everything", async (t) => {
  await t.step("the Finch profile", async () => {
    assert.deepEqual(
      await scenario(
        "Finch profile",
        [
          fixture("purple-finch/purple-home/accounts.xml"),
          fixture("purple-finch/purple-home/blist.xml"),
        ],
        async (dir) => {
          await updateAccounts(dir, (doc) => {
            doc.addXmppAccount({
              jid: "bob@example.org/pidgin",
              password: `p'<&>"w`,
              alias: "Bob & <Co>",
              port: 5223,
            });
            doc.setAlias("alice@localhost", `Alice "Ä" <A>`);
            doc.setDefault("bob@example.org");
            doc.setEnabled("alice@localhost", false);
            doc.setSetting("alice@localhost", {
              ui: "pidgin-cli",
              name: "password-command",
              value: "pass show xmpp/alice",
            });
            doc.setEnabled("bob@example.org", false, { ui: FINCH_UI });
          });
          await updateBuddyList(dir, (doc) => {
            doc.mergeRoster("alice@localhost/Finch", [
              {
                jid: "bob@localhost",
                name: "Bobby <B&B> Ü",
                groups: ["Friends & Co"],
                subscription: "both",
              },
              {
                jid: "carol@localhost",
                groups: ["Work", "Friends & Co"],
                subscription: "to",
                pending: true,
              },
              {
                jid: "dave@localhost",
                name: `Dave 'D' "x"`,
                groups: [],
                subscription: "none",
              },
              {
                jid: "erin@localhost",
                name: "Erin\ttab",
                groups: ["Tabs\tGroup"],
                subscription: "from",
              },
            ]);
            doc.addBuddy({
              account: "bob@example.org/pidgin",
              jid: "zed@example.org",
              alias: "Zed",
              group: "Other",
            });
          });
        },
      ),
      [],
    );
  });
  await t.step("a hand-made profile with IRC and AIM accounts", async () => {
    assert.deepEqual(
      await scenario(
        "Hand-made profile with IRC and AIM",
        [
          fixture("purple-mixed/accounts.xml"),
          fixture("purple-mixed/blist.xml"),
        ],
        async (dir) => {
          await updateAccounts(dir, (doc) => {
            doc.setPassword("work@corp.example", "clear now");
            doc.removeXmppAccount("bare@example.net");
            doc.setConnectServer("alice@example.org", undefined);
          });
          await updateBuddyList(dir, (doc) => {
            doc.mergeRoster("alice@example.org/Home", [
              {
                jid: "bob@example.org",
                groups: ["Old friends"],
                subscription: "both",
              },
              {
                jid: "carol@example.org",
                name: "Carol",
                groups: ["Friends", "New"],
                subscription: "from",
              },
            ]);
            doc.setBuddyAlias(
              { account: "work@corp.example", jid: "boss@corp.example" },
              undefined,
            );
          });
        },
      ),
      [],
    );
  });
});
