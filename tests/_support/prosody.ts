/**
 * A throwaway Prosody on loopback for tests, the demo and the benchmarks.
 *
 * It generates a test CA and a leaf certificate for `localhost`, writes a
 * private config (STARTTLS port, direct-TLS port, `run_as_root`, no
 * mod_posix), registers accounts and waits until the server accepts
 * connections. Throws with the reason when Prosody is missing or cannot start:
 * tests fail, they never skip.
 */
import { join } from "node:path";
import { freePort, runTool, waitForPort } from "./_process.ts";
import { makeTestCertificates } from "./test_ca.ts";

/** One account registered on the test server. */
export interface TestAccount {
  jid: string;
  password: string;
}

/** A running Prosody; `await using` stops it and removes its files. */
export interface Prosody extends AsyncDisposable {
  /** Directory holding config, certificates, data and log. */
  dir: string;
  /** PEM file of the test CA that signed the server certificate. */
  caFile: string;
  /** Loopback port speaking STARTTLS. */
  port: number;
  /** Loopback port speaking direct TLS (XEP-0368). */
  tlsPort: number;
  /** Environment that points pidgin at this server (server, port, CA). */
  env: Record<string, string>;
  /** Registers one more account (works while the server runs or is down). */
  register(account: TestAccount): Promise<void>;
  /** The server log so far, for failure messages. */
  log(): Promise<string>;
  /** Kills the server at once, as a crash would (files stay until dispose). */
  kill(): Promise<void>;
  /**
   * Stops the server and starts it again on the same ports, config and data:
   * accounts, rosters, offline messages and the archive survive,
   * stream-management sessions do not. Without mod_posix Prosody has no
   * signal handler, so SIGTERM ends it at once: clients see the TCP
   * connection close with no stream error, as in a crash (after
   * {@linkcode Prosody.kill} there is nothing left to stop). Resolves once
   * both ports accept connections again.
   */
  restart(options?: RestartOptions): Promise<void>;
  /**
   * Freezes the server with SIGSTOP, as a hung host would: connections stay
   * open, the kernel still accepts new ones, nothing is answered.
   */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT); it then handles what queued up. */
  thaw(): void;
}

/** Options for `restart()` of a test server. */
export interface RestartOptions {
  /**
   * Runs while the server is down (connections are refused), e.g. to wait
   * until a client has tried to reconnect: `() => proxy.attempted(3)`.
   */
  whileDown?: () => unknown;
}

/** Options for {@linkcode startProsody}; leaving one out keeps today's behaviour. */
export interface ProsodyOptions {
  /** Accounts to register before the server starts; defaults to alice and bob. */
  accounts?: TestAccount[];
  /** Leave out XEP-0198 stream management (mod_smacks). */
  withoutStreamManagement?: boolean;
  /**
   * Enable the message archive (XEP-0313, mod_mam): every account archives
   * every chat message (`default_archive_policy = true`), nothing expires
   * (`archive_expires_after = "never"`). Pages hold 20 results unless the
   * query asks for more, 50 at most; the internal store reads the whole
   * archive for each page, so paging through 1,000 messages takes about
   * 1.3 s, 3,000 about 5 s, 10,000 about 45 s.
   */
  withArchive?: boolean;
  /**
   * Seconds a broken stream-management session stays resumable
   * (`smacks_hibernation_time`; Prosody's default is 600).
   */
  smacksHibernation?: number;
}

/** The accounts every test server has unless told otherwise. */
export const DEFAULT_ACCOUNTS: TestAccount[] = [
  { jid: "alice@localhost", password: "alice-secret-pw" },
  { jid: "bob@localhost", password: "bob-secret-pw" },
];

const INSTALL_HINT = "apt-get install prosody openssl";

/** Global config lines for the options; none for the defaults. */
function extraGlobals(options: ProsodyOptions): string {
  const lines: string[] = [];
  if (options.withArchive) {
    lines.push(
      'archive_expires_after = "never"',
      "default_archive_policy = true",
    );
  }
  if (options.smacksHibernation !== undefined) {
    lines.push(`smacks_hibernation_time = ${options.smacksHibernation}`);
  }
  return lines.map((line) => `${line}\n`).join("");
}

/** PEM files of a test CA and of a leaf certificate it signed for `localhost`. */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/**
 * Generates a test CA and a `localhost` leaf certificate in `dir`, as
 * {@linkcode startProsody} does, for other test servers.
 *
 * Requires `--allow-run=openssl` and write access to `dir`.
 */
export async function makeTestCertificates(
  dir: string,
): Promise<TestCertificates> {
  await makeCertificates(dir);
  return {
    caFile: join(dir, "ca.pem"),
    certFile: join(dir, "localhost.crt"),
    keyFile: join(dir, "localhost.key"),
  };
}

function config(
  dir: string,
  port: number,
  tlsPort: number,
  options: ProsodyOptions,
): string {
  const q = (s: string) => JSON.stringify(s);
  return `-- generated by tests/_support/prosody.ts
run_as_root = true
daemonize = false
pidfile = ${q(join(dir, "prosody.pid"))}
data_path = ${q(join(dir, "data"))}
plugin_paths = {}
log = { { levels = { min = "info" }, to = "file", filename = ${
    q(join(dir, "prosody.log"))
  } } }
modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping"; ${
    options.withoutStreamManagement ? "" : '"smacks";'
  } "carbons";
  "presence"; "message"; "iq"; "offline"; "private"; "vcard_legacy";${
    options.withArchive ? ' "mam";' : ""
  }
}
modules_disabled = { "posix"; "s2s"; "http"; "admin_shell"; "admin_socket" }
interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
c2s_direct_tls_ports = { ${tlsPort} }
s2s_ports = {}
http_ports = {}
https_ports = {}
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
storage = "internal"
${extraGlobals(options)}certificates = ${q(join(dir, "certs"))}
ssl = { certificate = ${q(join(dir, "certs", "localhost.crt"))}; key = ${
    q(join(dir, "certs", "localhost.key"))
  } }
c2s_direct_tls_ssl = { certificate = ${
    q(join(dir, "certs", "localhost.crt"))
  }; key = ${q(join(dir, "certs", "localhost.key"))} }

VirtualHost "localhost"
  password_hash = "SHA-256"

VirtualHost "sha1.localhost"
  password_hash = "SHA-1"

-- Served with the localhost certificate, which does not name it.
VirtualHost "other.localhost"
`;
}

/**
 * Starts a private Prosody on loopback.
 *
 * Requires `--allow-run=prosody,prosodyctl,openssl`, read/write to the temp
 * dir and net to 127.0.0.1.
 */
export async function startProsody(
  options: ProsodyOptions = {},
): Promise<Prosody> {
  const dir = await Deno.makeTempDir({ prefix: "pidgin-prosody-" });
  const certs = join(dir, "certs");
  await Deno.mkdir(certs);
  await Deno.mkdir(join(dir, "data"), { mode: 0o700 });
  const port = freePort();
  const tlsPort = freePort();
  const cfg = join(dir, "prosody.cfg.lua");
  const logFile = join(dir, "prosody.log");
  let child: Deno.ChildProcess | undefined;
  let frozen = false;

  const register = async ({ jid, password }: TestAccount) => {
    const [user, host] = jid.split("@");
    await runTool("prosodyctl", [
      "--config",
      cfg,
      "register",
      user ?? "",
      host ?? "",
      password,
    ], { installHint: INSTALL_HINT });
  };
  const spawn = async () => {
    child = new Deno.Command("prosody", {
      args: ["--config", cfg, "-F"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(port, child.status, 15_000, "Prosody");
    await waitForPort(tlsPort, child.status, 15_000, "Prosody");
  };
  const signal = async (sig: Deno.Signal) => {
    const running = child;
    if (!running) return;
    if (frozen) {
      frozen = false;
      try {
        running.kill("SIGCONT");
      } catch { /* gone */ }
    }
    try {
      running.kill(sig);
    } catch {
      // already gone
    }
    await running.status;
  };
  const failure = async (err: unknown) => {
    const log = await Deno.readTextFile(logFile).catch(() => "");
    const reason = err instanceof Error ? err.message : String(err);
    return new Error(
      `Cannot start the test XMPP server: ${reason}${
        log ? `\n${log.slice(-2000)}` : ""
      }`,
    );
  };

  try {
    await makeTestCertificates(certs);
    await Deno.writeTextFile(cfg, config(dir, port, tlsPort, options));
    for (const account of options.accounts ?? DEFAULT_ACCOUNTS) {
      await register(account);
    }
    await spawn();
  } catch (err) {
    await signal("SIGKILL");
    const error = await failure(err);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw error;
  }
  const caFile = join(certs, "ca.pem");
  return {
    dir,
    caFile,
    port,
    tlsPort,
    env: {
      XMPP_SERVER: "127.0.0.1",
      XMPP_PORT: String(port),
      XMPP_CA_FILE: caFile,
    },
    register,
    log: () => Deno.readTextFile(logFile).catch(() => ""),
    kill: () => signal("SIGKILL"),
    async restart(restart = {}) {
      await signal("SIGTERM");
      await restart.whileDown?.();
      try {
        await spawn();
      } catch (err) {
        await signal("SIGKILL");
        throw await failure(err);
      }
    },
    freeze() {
      child?.kill("SIGSTOP");
      frozen = true;
    },
    thaw() {
      frozen = false;
      child?.kill("SIGCONT");
    },
    async [Symbol.asyncDispose]() {
      await signal("SIGTERM");
      await Deno.remove(dir, { recursive: true });
    },
  };
}
