/**
 * `pidgin` with no command: online on the configured account, reading lines
 * from a terminal (prompt, line editing, history kept in the profile, tab
 * completion, typing notifications) or from a pipe (each line run in order,
 * plain output, exit status from the first failure).
 */
import type { Core, DeliveryError, InteractiveRun } from "../core/mod.ts";
import {
  AppError,
  ConnectionError,
  InterruptedError,
  ReportedError,
} from "../errors.ts";
import { createAccountView } from "./account_view.ts";
import { createApp } from "./app.ts";
import { findCommand } from "./commands/mod.ts";
import { complete } from "./completion.ts";
import { connectAccount } from "./connect.ts";
import { startTicketSync } from "./ticket_sync.ts";
import { createTypingNotifier } from "./typing.ts";
import { createView } from "./view.ts";

async function historyFile(core: Core, account: string): Promise<string> {
  const store = await import("../store/mod.ts");
  return store.accountStatePath(core.purpleDir, account, "input_history");
}

function writeStderr(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
}

/**
 * Runs interactive mode until /quit, Ctrl-D, end of input or Ctrl-C.
 *
 * Requires net, read/write to the profile, env for the settings.
 */
export async function runInteractive(options: InteractiveRun): Promise<void> {
  const { core } = options;
  const interactive = Deno.stdin.isTerminal();
  const config = core.config;
  const historySize = config.settings?.historySize ?? 1000;
  // Warnings go through the view once it exists, so they never break the typed line.
  const { sanitizeForTerminal } = await import("../text/sanitize.ts");
  let warn: (line: string) => void = (line) =>
    writeStderr(sanitizeForTerminal(line));
  // Messaging's notices go with the output once the view exists (a pipe too).
  let notice = (line: string) => warn(line);
  // A bounce before the view exists is only said; after, the app records it.
  let bounce = (_jid: string, error: DeliveryError) =>
    warn(`pidgin: ${error.message}`);

  // Every enabled account at once (or the one asked for); one that fails
  // does not stop the others.
  const wanted = options.accounts === "enabled"
    ? (await core.accounts()).filter((a) => a.enabled)
    : [];
  const chosen = wanted.length > 0 ? wanted : [await core.account()];
  const outcomes = await Promise.allSettled(
    chosen.map((account) =>
      connectAccount(core, account, {
        log: options.log,
        warn: (line) => warn(line),
        notice: (line) => notice(line),
        onBounce: (_account, error) => bounce(account.jid, error),
      })
    ),
  );
  const connected = outcomes.flatMap((o) =>
    o.status === "fulfilled" ? [o.value] : []
  );
  const failed = outcomes.flatMap((o, i) =>
    o.status === "rejected" && o.reason instanceof AppError
      ? [{ jid: chosen[i]!.jid, error: o.reason }]
      : []
  );
  const bug = outcomes.find((o) =>
    o.status === "rejected" && !(o.reason instanceof AppError)
  );
  if (bug || connected.length === 0) {
    for (const c of connected) {
      await c.tickets?.stop();
      await c.connection.close();
    }
    throw bug?.status === "rejected" ? bug.reason : failed[0]!.error;
  }

  const { default: readline } = await import("node:readline");
  const { default: process } = await import("node:process");
  const view = createView({
    interactive,
    color: interactive && options.color,
    bell: config.PIDGIN_BELL !== "off",
    write: (text) => process.stdout.write(text),
    columns: () => (interactive ? process.stdout.columns : undefined),
  });
  if (interactive) warn = (line) => view.error(line);
  notice = (line) => view.error(line);
  const handle = createApp({ core, view, failed });
  const { app } = handle;
  for (const c of connected) {
    handle.add(
      createAccountView({
        core,
        account: c.account,
        connection: c.connection,
        roster: c.roster,
        tickets: c.tickets,
        events: handle.events,
        enqueue: handle.enqueue,
      }),
    );
    for (const line of c.warnings) warn(line);
  }
  bounce = (jid, error) => {
    const account = app.accounts.find((a) => a.account.jid === jid);
    if (account) handle.events.bounce(account, error);
    else warn(`pidgin: ${error.message}`);
  };
  for (const f of failed) {
    view.error(`pidgin: ${f.jid} is offline: ${f.error.message}`);
  }
  const primary = app.accounts[0]!;
  const store = await import("../store/mod.ts");
  const historyPath = interactive
    ? await historyFile(core, primary.account.jid)
    : undefined;
  /** The lines typed in this session, to add to the shared history at the end. */
  const typed: string[] = [];
  const rl = readline.createInterface({
    input: process.stdin,
    output: interactive ? process.stdout : undefined,
    terminal: interactive,
    // readline wants the newest line first.
    history: historyPath
      ? (await store.readInputHistory(historyPath, historySize).catch(
        () => [],
      ))
        .reverse()
      : [],
    historySize: historySize,
    removeHistoryDuplicates: true,
    prompt: "pidgin> ",
    completer: (line: string) => complete(line, app),
  });
  view.attach(rl);
  const syncs = app.accounts.flatMap((account) =>
    account.tickets
      ? [startTicketSync(
        app,
        account,
        (config.TICKET_SYNC_INTERVAL ?? 30) * 1000,
      )]
      : []
  );

  let failure: AppError | undefined;
  let fatal: unknown;
  let interrupted = false;
  /** Set by /quit or Ctrl-C: nothing read after it runs. */
  let quitting = false;
  let queue = Promise.resolve();
  app.onFailure = (err) => {
    failure ??= err;
  };
  const execute = async (line: string) => {
    const text = line.replace(/\r$/, "");
    if (quitting || text.trim() === "") return;
    try {
      if (text.startsWith("/")) {
        const [, name = "", args = ""] = /^\/(\S*)\s?([\s\S]*)$/.exec(text) ??
          [];
        await findCommand(name).run(args, app);
      } else {
        await app.send(text);
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failure ??= err;
      view.error(`pidgin: ${err.message}`);
      if (err.hint) view.line(`hint: ${err.hint}`);
    }
  };

  const typing = createTypingNotifier();
  if (interactive) {
    process.stdin.on("keypress", () => {
      // After readline has applied the key to the line.
      queueMicrotask(() => {
        const current = app.current;
        typing.keypress(
          (rl as unknown as { line: string }).line,
          current?.account.online
            ? { session: current.account.session, jid: current.jid }
            : undefined,
        );
      });
    });
  }

  const stop = () => {
    if (quitting) return;
    quitting = true;
    typing.stop();
    rl.close();
  };
  const closed = new Promise<void>((resolve) =>
    rl.on("close", () => {
      // End of input: the lines already read still run, in order.
      typing.stop();
      view.detach();
      resolve();
    })
  );
  app.onQuit = stop;
  rl.on("line", (line: string) => {
    if (quitting) return;
    if (interactive && line.trim() !== "") typed.push(line);
    if (!line.startsWith("/")) typing.reset();
    queue = queue.then(() => execute(line)).catch((err) => {
      fatal ??= err;
      stop();
    });
    // A fresh prompt at once, so typing goes on while the line runs; none
    // after /quit, which ends the session.
    if (interactive && !/^\/quit\s*$/.test(line.trim())) rl.prompt();
  });
  const onSigint = () => {
    interrupted = true;
    stop();
  };
  rl.on("SIGINT", onSigint);
  if (!interactive) Deno.addSignalListener("SIGINT", onSigint);
  // With every account offline there is nothing left to do.
  const offStatus = app.accounts.map((account) =>
    account.session.on("status", (status) => {
      if (status !== "offline" || app.accounts.some((a) => a.online)) return;
      fatal ??= account.lost ??
        new ConnectionError("The connection to the server was lost", {
          hint: "Run pidgin again",
        });
      stop();
    })
  );

  if (interactive) {
    const as = app.accounts.map((a) => a.session.jid).join(", ");
    view.line(
      view.dim(
        options.conversation
          ? `Chatting with ${
            primary.nameOf(options.conversation)
          } as ${as}; /quit or Ctrl-D to leave`
          : `Online as ${as}. /help lists the commands, /chat <jid> opens a conversation.`,
      ),
    );
  }
  if (options.conversation) {
    app.current = app.open(primary, options.conversation);
    app.updatePrompt();
  } else if (interactive) {
    rl.prompt();
  }
  await closed;
  if (!interactive) Deno.removeSignalListener("SIGINT", onSigint);
  await queue;
  for (const off of offStatus) off();
  for (const sync of syncs) await sync.stop();
  await handle.dispose();
  // Offline cleanly: unavailable presence, stream closed, then the logs.
  await Promise.all(app.accounts.map(async (account) => {
    if (account.online) {
      await account.session.sendPresence("unavailable").catch(() => {});
    }
    account.tickets?.report("offline");
    await account.tickets?.stop();
    await account.connection.close();
  }));
  if (historyPath) {
    // Merged with what other sessions added meanwhile, under a lock.
    await store.appendInputHistory(historyPath, typed, historySize).catch(
      () => {},
    );
  }
  if (interactive) process.stdout.write("\n");
  if (fatal) throw fatal;
  if (interrupted) throw new InterruptedError("Interrupted");
  // Logging that stopped (a full disk …) was said when it happened; the
  // exit status says it too, in a terminal as over a pipe.
  const logFailure = app.accounts.find((a) => a.messaging.logFailure)
    ?.messaging.logFailure;
  if (logFailure) throw new ReportedError(logFailure);
  // Over a pipe the first failed line (or an account that could not go
  // online) decides the exit status; in a terminal the user saw each error.
  failure ??= failed[0]?.error;
  if (failure && !interactive) throw new ReportedError(failure);
}
