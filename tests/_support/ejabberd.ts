/**
 * A throwaway ejabberd (Debian's 23.01) on loopback, the second server the
 * reconnection tests run against. Shaped like {@linkcode Prosody}.
 *
 * Debian's `ejabberdctl` switches to the `ejabberd` user when run as root, so
 * each instance runs a copy of it with `INSTALLUSER` empty, as root, with its
 * config, mnesia spool, logs, Erlang cookie (`HOME`) and node name
 * (`ejabberd-test-<random>@localhost`) in its own temp directory. The Erlang
 * distribution listens on a fixed free loopback port (`ERL_DIST_PORT`), so no
 * epmd is started or needed and parallel instances never meet. Throws with the
 * reason and the log's tail when ejabberd is missing or cannot start: tests
 * fail, they never skip.
 */
import { join } from "node:path";
import { freePort, waitForPort } from "./_process.ts";
import { type EjabberdNode, spawnNode } from "./_ejabberd_node.ts";
import {
  ejabberdctlCfg,
  type EjabberdSetup,
  ejabberdYaml,
  INETRC,
} from "./_ejabberd_config.ts";
import {
  DEFAULT_ACCOUNTS,
  type RestartOptions,
  type TestAccount,
} from "./prosody.ts";
import { makeTestCertificates } from "./test_ca.ts";

/** A running ejabberd; `await using` stops it and removes its files. */
export interface Ejabberd extends AsyncDisposable {
  /** Directory holding config, certificates, spool, logs and the ejabberdctl copy. */
  dir: string;
  /** PEM file of the test CA (the same kind Prosody uses). */
  caFile: string;
  /** Loopback port speaking STARTTLS (required). */
  port: number;
  /** Loopback port speaking direct TLS (XEP-0368). */
  tlsPort: number;
  /** Environment that points pidgin at this server (server, port, CA). */
  env: Record<string, string>;
  /** Erlang node name of this instance. */
  node: string;
  /** How long the first start took, ms: spawn to c2s listening and accounts registered. */
  startupMs: number;
  /** Registers one more account with `ejabberdctl register` (the server must run). */
  register(account: TestAccount): Promise<void>;
  /** Runs an `ejabberdctl` command on this node and returns its stdout. */
  ctl(...args: string[]): Promise<string>;
  /** ejabberd's log so far (logs/ejabberd.log), for failure messages. */
  log(): Promise<string>;
  /** Kills the Erlang VM at once (SIGKILL), as a crash would; files stay until dispose. */
  kill(): Promise<void>;
  /**
   * Stops the node (SIGTERM: each client gets a `system-shutdown` stream
   * error, then the connection closes) and starts it again on the same ports, config and spool: accounts, rosters,
   * offline messages and the archive survive, resumable sessions do not.
   * Resolves once both c2s ports accept connections and the node answers.
   */
  restart(options?: RestartOptions): Promise<void>;
  /** Freezes the Erlang VM (SIGSTOP): connections stay open, nothing is answered. */
  freeze(): void;
  /** Lets a frozen VM run again (SIGCONT). */
  thaw(): void;
}

/** Options for {@linkcode startEjabberd}. */
export interface EjabberdOptions {
  /** Accounts to register once the server runs; defaults to alice, bob and carol. */
  accounts?: TestAccount[];
  /**
   * Leave out the archive (mod_mam). With it (the default) every chat
   * message is archived for sender and recipient (`default: always`); its
   * mnesia store slows down as an archive grows (about 200 messages a second
   * at 1,000, 70 at 3,000), so floods of thousands are for servers without it.
   */
  withoutArchive?: boolean;
  /** Leave out XEP-0198 stream management (mod_stream_mgmt). */
  withoutStreamManagement?: boolean;
  /** Seconds a broken stream stays resumable (`resume_timeout`, default 300). */
  resumeTimeout?: number;
  /**
   * The SCRAM hash stored for passwords (`auth_scram_hash`, default `sha`, as
   * ejabberd's): it is the only SCRAM mechanism offered, after PLAIN.
   */
  scramHash?: "sha" | "sha256" | "sha512";
}

/** The accounts of a test ejabberd unless told otherwise. */
export const EJABBERD_ACCOUNTS: TestAccount[] = [
  ...DEFAULT_ACCOUNTS,
  { jid: "carol@localhost", password: "carol-secret-pw" },
];

const EJABBERDCTL = "/usr/sbin/ejabberdctl";
const START_TIMEOUT_MS = 20_000;

/** Writes the instance's files: ejabberdctl copy, config, inetrc, cookie. */
async function writeFiles(dir: string, setup: EjabberdSetup): Promise<void> {
  let script: string;
  try {
    script = await Deno.readTextFile(EJABBERDCTL);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`"${EJABBERDCTL}" is missing (apt-get install ejabberd)`);
    }
    throw err;
  }
  const copy = script.replace(/^INSTALLUSER=.*$/m, "INSTALLUSER=");
  if (copy === script || !/^INSTALLUSER=$/m.test(copy)) {
    throw new Error(`"${EJABBERDCTL}" sets no INSTALLUSER to clear`);
  }
  await Deno.writeTextFile(join(dir, "ejabberdctl"), copy, { mode: 0o755 });
  await Deno.writeTextFile(join(dir, "ejabberd.yml"), ejabberdYaml(setup));
  await Deno.writeTextFile(join(dir, "ejabberdctl.cfg"), ejabberdctlCfg(setup));
  await Deno.writeTextFile(join(dir, "inetrc"), INETRC);
  const cookie = Array.from(
    crypto.getRandomValues(new Uint8Array(20)),
    (b) => String.fromCharCode(65 + (b % 26)),
  ).join("");
  await Deno.writeTextFile(join(dir, ".erlang.cookie"), cookie, {
    mode: 0o400,
  });
}

/**
 * Starts a private ejabberd on loopback.
 *
 * Requires `--allow-run` (the ejabberdctl copy, openssl), read of
 * /usr/sbin/ejabberdctl and /proc, read/write to the temp dir and net to
 * 127.0.0.1.
 */
export async function startEjabberd(
  options: EjabberdOptions = {},
): Promise<Ejabberd> {
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "pidgin-ejabberd-" });
  const certsDir = join(dir, "certs");
  const random = crypto.randomUUID().slice(0, 8);
  let node: EjabberdNode | undefined;
  try {
    await Deno.mkdir(certsDir);
    await Deno.mkdir(join(dir, "spool"), { mode: 0o700 });
    await Deno.mkdir(join(dir, "logs"));
    const certs = await makeTestCertificates(certsDir);
    const setup: EjabberdSetup = {
      port: freePort(),
      tlsPort: freePort(),
      distPort: freePort(),
      node: `ejabberd-test-${random}@localhost`,
      caFile: certs.caFile,
      certFile: certs.certFile,
      keyFile: certs.keyFile,
      pidFile: join(dir, "ejabberd.pid"),
      resumeTimeout: options.withoutStreamManagement
        ? undefined
        : options.resumeTimeout ?? 300,
      scramHash: options.scramHash ?? "sha",
      withoutArchive: options.withoutArchive ?? false,
    };
    await writeFiles(dir, setup);
    const register = async ({ jid, password }: TestAccount, retryMs = 0) => {
      const [user = "", host = ""] = jid.split("@");
      await node!.ctl(["register", user, host, password], retryMs);
    };
    /**
     * Starts the node and waits for `status` to say ejabberd runs: its ports
     * listen and ctl commands run before its tables exist.
     */
    const start = async () => {
      node = spawnNode(dir);
      await waitForPort(setup.port, node.exited, START_TIMEOUT_MS, "ejabberd");
      await waitForPort(
        setup.tlsPort,
        node.exited,
        START_TIMEOUT_MS,
        "ejabberd",
      );
      await node.ready(START_TIMEOUT_MS);
    };
    await start();
    // In parallel; settle all, so no ejabberdctl outlives a failure.
    const registered = await Promise.allSettled(
      (options.accounts ?? EJABBERD_ACCOUNTS).map((a) => register(a, 5_000)),
    );
    for (const r of registered) if (r.status === "rejected") throw r.reason;
    const server: Ejabberd = {
      dir,
      caFile: certs.caFile,
      port: setup.port,
      tlsPort: setup.tlsPort,
      env: {
        XMPP_SERVER: "127.0.0.1",
        XMPP_PORT: String(setup.port),
        XMPP_CA_FILE: certs.caFile,
      },
      node: setup.node,
      startupMs: Math.round(performance.now() - started),
      register: (account) => register(account),
      ctl: (...args) => node!.ctl(args),
      log: () => node!.log(),
      kill: () => node!.stop("SIGKILL"),
      async restart(restart = {}) {
        await node!.stop("SIGTERM");
        await restart.whileDown?.();
        try {
          await start();
        } catch (err) {
          const failed = node!;
          await failed.stop("SIGKILL");
          throw new Error(
            `Cannot restart the test ejabberd: ${
              (err as Error).message
            }\n${await failed
              .tail()}`,
          );
        }
      },
      freeze: () => node!.signal("SIGSTOP"),
      thaw: () => node!.signal("SIGCONT"),
      async [Symbol.asyncDispose]() {
        // Everything is deleted next, so nothing is gained by a graceful stop (1 s).
        await node!.stop("SIGKILL");
        await Deno.remove(dir, { recursive: true });
      },
    };
    return server;
  } catch (err) {
    const tail = node ? await node.tail() : "";
    await node?.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Cannot start the test ejabberd: ${reason}${tail ? `\n${tail}` : ""}`,
    );
  }
}
