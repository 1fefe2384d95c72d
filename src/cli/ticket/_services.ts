/**
 * What the ticket commands share: the client, the outbox and the ticket
 * index of the configured account, built from the settings. Problems with
 * pidgin's own files (a damaged index set aside, an outbox record moved to
 * `rejected/`) are reported once through `warn` and never stop a command.
 */
import type { Config } from "../../config/mod.ts";
import { ConfigError, UsageError } from "../../errors.ts";
import { sanitizeForTerminal } from "../../text/sanitize.ts";
import type {
  Delivery,
  FlushReport,
  Outbox,
  OutboxItem,
  OutboxRequest,
  Ticket,
  TicketClient,
  TicketIndex,
} from "../../tickets/mod.ts";
import type { CliContext } from "../context.ts";

/** The ticket services of one run. */
export interface TicketServices {
  config: Config;
  /** The backend client; with `offline`, reading it throws the ConfigError of a missing setting. */
  readonly client: TicketClient;
  outbox: Outbox;
  index: TicketIndex;
  /** Our bare JID. */
  account: string;
  purpleDir: string;
  /** Sends what is due (or everything with `force`), recording created tickets. */
  flush(options?: { force?: boolean; only?: string[] }): Promise<FlushReport>;
  /** Queues `entry` and sends it at once (no other flush can take it meanwhile). */
  submit(entry: OutboxRequest): Promise<FlushReport & { item: OutboxItem }>;
  /** Prints one warning (stderr, or above the prompt in interactive mode). */
  warn(message: string, hint?: string): void;
}

/** How to open the services. */
export interface TicketServiceOptions {
  /** Only local files are used: API_BASE_URL and API_TOKEN are not needed. */
  offline?: boolean;
  /** Where warnings go (one line each); stderr by default. */
  warn?: (line: string) => void;
}

function jidFrom(
  toBareJid: (jid: string, what: string) => string,
  jid: string,
) {
  try {
    return toBareJid(jid, "XMPP_JID");
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new ConfigError(err.message, {
      hint: "Fix XMPP_JID in the environment, in .env, or with --jid",
    });
  }
}

/**
 * Loads settings and opens the ticket services; `XMPP_JID` is required,
 * and `API_BASE_URL` and `API_TOKEN` unless `offline`. A ConfigError for a
 * backend the token must not be sent to (`http://` beyond loopback).
 */
export async function openTicketServices(
  ctx: CliContext,
  options: TicketServiceOptions = {},
): Promise<TicketServices> {
  const [{ requireSetting }, store, tickets, { toBareJid }] = await Promise.all(
    [
      import("../../config/mod.ts"),
      import("../../store/mod.ts"),
      import("../../tickets/mod.ts"),
      import("../../xmpp/mod.ts"),
    ],
  );
  const config = await ctx.config();
  const account = jidFrom(toBareJid, requireSetting(config, "XMPP_JID"));
  let client: TicketClient | undefined;
  const openClient = () =>
    client ??= new tickets.TicketClient({
      baseUrl: requireSetting(config, "API_BASE_URL"),
      token: requireSetting(config, "API_TOKEN"),
      timeoutMs: (config.API_TIMEOUT ?? 5) * 1000,
    });
  // Settings first: a bad backend is refused before anything is queued.
  if (!options.offline) openClient();
  const purpleDir = await ctx.purpleDir();
  const writeLine = options.warn ??
    ((line: string) => void ctx.err(`${line}\n`).catch(() => {}));
  const warn = (message: string, hint?: string) => {
    writeLine(`pidgin: ${sanitizeForTerminal(message)}`);
    if (hint) writeLine(`hint: ${sanitizeForTerminal(hint)}`);
  };

  const outbox = new tickets.Outbox(
    store.openJsonDir(store.accountStatePath(purpleDir, account, "outbox")),
    {
      onRejected: (item, from) =>
        warn(
          `Moved the outbox record "${from}" to "${item.file}": ${item.reason}`,
          `Run pidgin ticket outbox to see it, pidgin ticket outbox --discard ${item.id} to drop it`,
        ),
    },
  );
  const indexFile = store.accountStatePath(purpleDir, account, "tickets.json");
  // Every change re-reads the index inside its file lock: no process loses another's update.
  const index = new tickets.TicketIndex(
    store.openJsonFile(indexFile, {
      check: tickets.checkTicketIndex,
      onSetAside: (e) =>
        warn(
          `Set aside the damaged ticket index "${e.file}" as "${
            e.movedTo.slice(e.movedTo.lastIndexOf("/") + 1)
          }": ${e.reason}`,
          "A new index is started; pidgin ticket list fills it from the backend",
        ),
    }),
  );
  const onDelivered = async (d: Delivery) => {
    if ("ticket" in d) await index.remember([d.ticket]);
  };
  const reported = (report: FlushReport) => {
    for (const w of report.warnings) {
      warn(
        `Cannot record a delivered ticket in the ticket index: ${w.message}`,
        "pidgin ticket list records it again",
      );
    }
  };
  return {
    config,
    get client() {
      return openClient();
    },
    outbox,
    index,
    account,
    purpleDir,
    async flush(flushOptions = {}) {
      const report = await outbox.flush(openClient(), {
        ...flushOptions,
        onDelivered,
      });
      reported(report);
      return report;
    },
    async submit(entry) {
      const report = await outbox.submit(openClient(), entry, { onDelivered });
      reported(report);
      return report;
    },
    warn,
  };
}

/** What became of a new ticket. */
export type CreateOutcome =
  | { status: "created"; ticket: Ticket }
  | { status: "queued"; outboxId: string; error: Error };

/**
 * Creates a ticket for `contact` through the outbox, with the last
 * `contextLines` entries of the conversation's Pidgin log as context (each
 * line cut to the contract's limit, visibly). Throws a UsageError for a
 * message or subject the backend would refuse (nothing is queued then) and
 * the backend's error when it refuses for good; an answer that breaks the
 * contract after the backend took the request stays queued (see
 * {@linkcode settleFailed}).
 */
export async function createTicketFor(
  services: TicketServices,
  request: {
    contact: string;
    body: string;
    subject?: string;
    priority?: "low" | "normal" | "high" | "urgent";
    contextLines?: number;
  },
): Promise<CreateOutcome> {
  const [{ readRecentLog }, tickets] = await Promise.all([
    import("../../store/mod.ts"),
    import("../../tickets/mod.ts"),
  ]);
  checkLength(
    "create a ticket",
    "message",
    request.body,
    tickets.MAX_BODY_LENGTH,
  );
  if (request.subject !== undefined) {
    checkLength(
      "create a ticket",
      "subject",
      request.subject,
      tickets.MAX_SUBJECT_LENGTH,
    );
  }
  const lines = request.contextLines ?? services.config.TICKET_CONTEXT_LINES ??
    20;
  const context = lines === 0 ? [] : tickets.fitContext(
    (await readRecentLog(
      services.purpleDir,
      services.account,
      request.contact,
      Math.min(lines, tickets.MAX_CONTEXT_LINES),
    )).map((e) => e.text),
  );
  const report = await services.submit({
    kind: "createTicket",
    request: {
      account: services.account,
      contact: request.contact,
      subject: request.subject ??
        tickets.fitText(request.body.split("\n")[0]!, 120),
      priority: request.priority,
      message: {
        from: services.account,
        to: request.contact,
        body: request.body,
        sentAt: new Date().toISOString(),
      },
      context,
    },
  });
  const delivered = report.delivered[0];
  if (delivered && "ticket" in delivered) {
    return { status: "created", ticket: delivered.ticket };
  }
  const failed = report.failed[0];
  if (failed) throw await settleFailed(services, failed);
  return {
    status: "queued",
    outboxId: report.item.id,
    error: report.deferred[0]!.error,
  };
}

/** A UsageError when `text` is longer than the `max` characters the backend takes. */
export function checkLength(
  action: string,
  what: string,
  text: string,
  max: number,
): void {
  if (text.length <= max) return;
  throw new UsageError(
    `Cannot ${action}: the ${what} has ${text.length} characters, more than the ${max} the ticket backend takes`,
    { hint: `Shorten the ${what}` },
  );
}

/**
 * What to do with an item the backend refused for good, right after it was
 * queued: an item the backend did not take is dropped (nothing was
 * created, and the user sees why); one whose answer broke the contract
 * after a 2xx may have been done, so it stays in the outbox and the error
 * says how to drop it once checked.
 */
export async function settleFailed(
  services: TicketServices,
  failed: FlushReport["failed"][number],
): Promise<Error> {
  const { error, item } = failed;
  if (error.status !== undefined && error.status < 300) {
    const { TicketApiError } = await import("../../tickets/mod.ts");
    return new TicketApiError(error.message, {
      retryable: false,
      status: error.status,
      cause: error,
      hint:
        `The backend may have done it: check, then pidgin ticket outbox --discard ${item.id}`,
    });
  }
  await services.outbox.discard(item.id);
  return error;
}
