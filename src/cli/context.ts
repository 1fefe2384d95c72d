/**
 * What every subcommand needs, built once per run: settings, the session,
 * the chat log and the terminal. Heavy modules (xmpp.js, zod) load here, on
 * first use, so `pidgin --help` does not pay for them.
 */
import type { Config, ConfigFlags } from "../config/mod.ts";
import type { LogEntry } from "../store/mod.ts";
import type { ChatMessage, SentMessage, Session } from "../xmpp/mod.ts";
import { ConfigError, UsageError } from "../errors.ts";
import { render, type Rich } from "../text/rich.ts";
import { toTerminalJson } from "../text/sanitize.ts";

/** Global flags shared by all commands. */
export interface GlobalOptions extends ConfigFlags {
  timeout?: string;
  verbose?: boolean;
  /** Hidden: print when each step finished (for `deno task bench`). */
  timings?: boolean;
}

/** One run's services; created by `main.ts`, passed to each command. */
export interface CliContext {
  readonly globals: GlobalOptions;
  /** True when stdout is a terminal and NO_COLOR is not set. */
  readonly color: boolean;
  config(): Promise<Config>;
  /** The profile directory: `--purple-dir` > `PURPLE_HOME` > `~/.purple`. */
  purpleDir(): Promise<string>;
  /**
   * Starts a session for the configured account. A long-lived session
   * (interactive mode, `chat`) binds the account's resource exactly; a
   * one-shot command binds a resource of its own, so it never replaces a
   * running session of the same account.
   */
  openSession(options?: { longLived?: boolean }): Promise<Session>;
  /** The account's own resource: XMPP_RESOURCE, else the one kept in the profile (`pidgin.<random>`). */
  resource(): Promise<string>;
  /**
   * The chat log and display names of the session's account. `enabled`
   * (a flag) wins over PIDGIN_LOG, which wins over Pidgin's prefs.xml
   * (`/purple/logging/log_ims`); the format likewise (`--log-format`,
   * PIDGIN_LOG_FORMAT, `/purple/logging/format`, txt).
   */
  openLog(
    session: Session,
    options?: { enabled?: boolean },
  ): Promise<AccountLog>;
  /** Writes to stdout; every string in `text` is sanitised for the terminal here. */
  out(text: Rich): Promise<void>;
  /** Writes `data` to stdout as JSON and a newline, terminal-safe and lossless; `compact`: one line. */
  json(data: unknown, options?: { compact?: boolean }): Promise<void>;
  /** Writes to stderr; sanitised like `out`. */
  err(text: Rich): Promise<void>;
}

/** The chat log with the names Pidgin would use. */
export interface AccountLog extends AsyncDisposable {
  /** Our name in logs: the account alias, else the full JID. */
  ownName: string;
  /** A contact's name in logs: buddy alias, else roster name, else JID. */
  nameOf(bareJid: string, rosterName?: string): string;
  /** Sets (or, with `undefined`, forgets) a contact's local alias for this run. */
  setAlias(bareJid: string, alias: string | undefined): void;
  append(contact: string, ...entries: LogEntry[]): Promise<void>;
}

const encoder = new TextEncoder();

async function writeAll(
  stream: { write(p: Uint8Array): Promise<number> },
  text: string,
) {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) {
    offset += await stream.write(bytes.subarray(offset));
  }
}

function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 15_000;
  const seconds = Number(text.replace(/s$/, ""));
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `Invalid --timeout "${text}": expected a number of seconds`,
      {
        hint: "Pass for example --timeout 30",
      },
    );
  }
  return Math.round(seconds * 1000);
}

/** Eight random characters for resource names. */
function randomTag(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) =>
    alphabet[b % alphabet.length]
  ).join("");
}

/** The resource kept for an account in the profile, made once (`pidgin.<random>`), as Conversations and Profanity do. */
async function keptResource(
  purpleDir: string,
  account: string,
): Promise<string> {
  const store = await import("../store/mod.ts");
  const file = store.accountStatePath(purpleDir, account, "resource.json");
  return await store.withFileLock(file, async () => {
    const data = await store.readJsonFile(file).catch(() => undefined);
    const kept = data && typeof data === "object" && "resource" in data
      ? data.resource
      : undefined;
    if (typeof kept === "string" && /^pidgin\.[a-z0-9]{8}$/.test(kept)) {
      return kept;
    }
    const resource = `pidgin.${randomTag()}`;
    await store.writeJsonFile(file, { resource });
    return resource;
  });
}

/** Creates the context for one run of the CLI. */
export function createCliContext(globals: GlobalOptions): CliContext {
  let config: Promise<Config> | undefined;
  let resource: Promise<string> | undefined;
  const ctx: CliContext = {
    globals,
    get color() {
      return Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR");
    },
    config() {
      config ??= import("../config/mod.ts").then((m) => m.loadConfig(globals));
      return config;
    },
    resource() {
      resource ??= (async () => {
        const cfg = await ctx.config();
        if (cfg.XMPP_RESOURCE) return cfg.XMPP_RESOURCE;
        const { requireSetting } = await import("../config/mod.ts");
        const { toBareJid } = await import("../xmpp/mod.ts");
        const account = toBareJid(requireSetting(cfg, "XMPP_JID"));
        return keptResource(await ctx.purpleDir(), account);
      })();
      return resource;
    },
    async openSession({ longLived = false } = {}) {
      const cfg = await ctx.config();
      const { requireSetting } = await import("../config/mod.ts");
      const jid = requireSetting(cfg, "XMPP_JID");
      const password = requireSetting(cfg, "XMPP_PASSWORD");
      let extraCa: string | undefined;
      if (cfg.XMPP_CA_FILE) {
        try {
          extraCa = await Deno.readTextFile(cfg.XMPP_CA_FILE);
        } catch (err) {
          throw new ConfigError(
            `Cannot read the CA file "${cfg.XMPP_CA_FILE}"`,
            {
              cause: err,
              hint: "Fix XMPP_CA_FILE or --ca-file",
            },
          );
        }
        if (!extraCa.includes("-----BEGIN CERTIFICATE-----")) {
          throw new ConfigError(
            `Invalid CA file "${cfg.XMPP_CA_FILE}": expected PEM certificates`,
            {
              hint: "Fix XMPP_CA_FILE or --ca-file",
            },
          );
        }
      }
      const { createSession, toBareJid } = await import("../xmpp/mod.ts");
      try {
        toBareJid(jid);
      } catch {
        throw new ConfigError(
          `Invalid XMPP_JID "${jid}": expected a JID such as you@example.com`,
          {
            hint: "Fix XMPP_JID in the environment, in .env, or with --jid",
          },
        );
      }
      const own = await ctx.resource();
      const session = createSession({
        jid,
        password,
        resource: longLived ? own : `${own}.${randomTag()}`,
        server: cfg.XMPP_SERVER,
        port: cfg.XMPP_PORT,
        extraCa,
        timeoutMs: parseTimeout(globals.timeout),
      });
      await session.start();
      return session;
    },
    async purpleDir() {
      const [cfg, store] = await Promise.all([
        ctx.config(),
        import("../store/mod.ts"),
      ]);
      return store.resolvePurpleDir({
        flag: globals.purpleDir,
        purpleHome: cfg.PURPLE_HOME,
        home: cfg.home,
      });
    },
    async openLog(session, { enabled } = {}) {
      const cfg = await ctx.config();
      const store = await import("../store/mod.ts");
      const purpleDir = await ctx.purpleDir();
      const [names, zone, prefs] = await Promise.all([
        store.readProfileNames(purpleDir, session.bareJid),
        store.loadZoneNames(cfg.tz),
        store.readLoggingPrefs(purpleDir),
      ]);
      // A flag or variable decides, else Pidgin's own preferences.
      const logging = enabled ??
        (cfg.PIDGIN_LOG === undefined ? undefined : cfg.PIDGIN_LOG === "on") ??
        prefs.logIms ?? true;
      // As libpurple: the account's user name with its own resource, whichever one is bound now.
      const accountFull = `${session.bareJid}/${await ctx.resource()}`;
      const log = store.createChatLog({
        purpleDir,
        account: session.bareJid,
        accountFull,
        style: {
          format: cfg.PIDGIN_LOG_FORMAT ?? prefs.format ?? "txt",
          locale: store.localeFromEnv(cfg.locale),
          zone,
        },
      });
      const ownName = names.accountAlias ?? accountFull;
      return {
        ownName,
        nameOf(bare, rosterName) {
          return names.nameOf(bare, rosterName);
        },
        setAlias(bare, alias) {
          if (alias === undefined) {
            names.buddies.delete(bare);
          } else {
            names.buddies.set(bare, { ...names.buddies.get(bare), alias });
          }
        },
        append(contact, ...entries) {
          return logging ? log.append(contact, ...entries) : Promise.resolve();
        },
        [Symbol.asyncDispose]() {
          return log.close();
        },
      };
    },
    out(text) {
      return writeAll(Deno.stdout, render(text, { color: ctx.color }));
    },
    json(data, options) {
      return writeAll(Deno.stdout, toTerminalJson(data, options) + "\n");
    },
    err(text) {
      return writeAll(Deno.stderr, render(text, { color: false }));
    },
  };
  return ctx;
}

/**
 * Logs an outgoing message, then sends it: the log has it before the server
 * acknowledges it, as Pidgin logs on send. Shared by every mode.
 */
export async function logAndSend(
  session: Session,
  log: AccountLog,
  to: string,
  body: string,
): Promise<SentMessage> {
  await log.append(to, {
    direction: "out",
    name: log.ownName,
    body,
    time: new Date(),
  });
  return await session.sendMessage(to, body);
}

/** Logs messages that arrived together: one write per conversation. */
export async function logIncoming(
  log: AccountLog,
  messages: ChatMessage[],
  nameOf: (bareJid: string) => string,
): Promise<void> {
  const byContact = new Map<string, LogEntry[]>();
  for (const m of messages) {
    const entries = byContact.get(m.fromBare) ?? [];
    entries.push({
      direction: "in",
      name: nameOf(m.fromBare),
      body: m.body,
      time: m.sentAt,
    });
    byContact.set(m.fromBare, entries);
  }
  for (const [from, entries] of byContact) await log.append(from, ...entries);
}
