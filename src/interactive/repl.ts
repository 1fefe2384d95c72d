/**
 * `pidgin` with no command: online on the configured account, reading lines
 * from a terminal (prompt, line editing, history kept in the profile, tab
 * completion, typing notifications) or from a pipe (each line run in order,
 * plain output, exit status from the first failure).
 */
import type { Account, Core, InteractiveRun } from "../core/mod.ts";
import {
  AppError,
  ConnectionError,
  InterruptedError,
  ReportedError,
} from "../errors.ts";
import { createApp } from "./app.ts";
import { findCommand } from "./commands/mod.ts";
import { complete } from "./completion.ts";
import { startTicketSync } from "./ticket_sync.ts";
import { createTypingNotifier } from "./typing.ts";
import { createView } from "./view.ts";

async function historyFile(core: Core, account: string): Promise<string> {
  const store = await import("../store/mod.ts");
  return store.accountStatePath(core.purpleDir, account, "input_history");
}

/** Ticket work on the side when the backend is configured: presence reports, the outbox. */
async function startTickets(
  core: Core,
  account: Account,
  warn: (line: string) => void,
) {
  if (!core.config.API_BASE_URL || !core.config.API_TOKEN) return undefined;
  const { startTicketBackground } = await import("../core/mod.ts");
  const services = await core.tickets(account, { warn });
  return startTicketBackground(services, warn);
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
  const account = await core.account();
  await using session = await core.openSession(account, { longLived: true });
  await using log = await core.openLog(account, {
    enabled: options.log === false ? false : undefined,
  });
  const roster = await session.getRoster();
  const { mergeRoster } = await import("../core/mod.ts");
  // Saved while the session goes on; a failure is said once the view exists.
  const rosterSaved = mergeRoster(core.purpleDir, account, roster).then(
    () => undefined,
    (err: unknown) => err,
  );
  await session.sendPresence();
  // Contacts' presences answer ours before the server answers a later ping,
  // so /list and /roster show who is online from the first line on.
  await session.roundTrip();
  // Warnings go through the view once it exists, so they never break the typed line.
  const { sanitizeForTerminal } = await import("../text/sanitize.ts");
  let warn: (line: string) => void = (line) =>
    writeStderr(sanitizeForTerminal(line));
  const tickets = await startTickets(core, account, (line) => warn(line));
  tickets?.report("available");
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
  const rosterError = await rosterSaved;
  if (rosterError) {
    warn(
      `pidgin: Cannot update the buddy list: ${
        rosterError instanceof Error ? rosterError.message : rosterError
      }`,
    );
  }
  const app = createApp({ core, account, session, log, view, roster, tickets });
  const store = await import("../store/mod.ts");
  const historyPath = interactive
    ? await historyFile(core, session.bareJid)
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
  const sync = tickets
    ? startTicketSync(
      app,
      tickets.services,
      (config.TICKET_SYNC_INTERVAL ?? 30) * 1000,
    )
    : undefined;

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

  const typing = createTypingNotifier(session);
  if (interactive) {
    process.stdin.on("keypress", () => {
      // After readline has applied the key to the line.
      queueMicrotask(() =>
        typing.keypress((rl as unknown as { line: string }).line, app.current)
      );
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
  const offStatus = session.on("status", (status) => {
    if (status !== "offline") return;
    fatal ??= new ConnectionError("The connection to the server was lost", {
      hint: "Run pidgin again",
    });
    stop();
  });

  if (interactive) {
    view.line(
      view.dim(
        options.conversation
          ? `Chatting with ${
            app.nameOf(options.conversation)
          } as ${session.jid}; /quit or Ctrl-D to leave`
          : `Online as ${session.jid}. /help lists the commands, /chat <jid> opens a conversation.`,
      ),
    );
  }
  if (options.conversation) {
    app.open(options.conversation);
    app.current = options.conversation;
    app.updatePrompt();
  } else if (interactive) {
    rl.prompt();
  }
  await closed;
  if (!interactive) Deno.removeSignalListener("SIGINT", onSigint);
  await queue;
  offStatus();
  await sync?.stop();
  // Offline cleanly: unavailable presence, stream closed, then the logs.
  if (!fatal) await session.sendPresence("unavailable").catch(() => {});
  await session.stop();
  await app.dispose();
  tickets?.report("offline");
  await tickets?.stop();
  if (historyPath) {
    // Merged with what other sessions added meanwhile, under a lock.
    await store.appendInputHistory(historyPath, typed, historySize).catch(
      () => {},
    );
  }
  if (interactive) process.stdout.write("\n");
  if (fatal) throw fatal;
  if (interrupted) throw new InterruptedError("Interrupted");
  // Over a pipe the first failed line decides the exit status; in a
  // terminal the user saw each error, and /quit ends the session cleanly.
  if (failure && !interactive) throw new ReportedError(failure);
}
