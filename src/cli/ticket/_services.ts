/**
 * What the ticket commands share: the client, the outbox and the ticket
 * index of the configured account, built from the settings.
 */
import type { Config } from "../../config/mod.ts";
import { UsageError } from "../../errors.ts";
import type {
  Delivery,
  FlushReport,
  Outbox,
  TicketClient,
  TicketIndex,
} from "../../tickets/mod.ts";
import type { CliContext } from "../context.ts";

/** The ticket services of one run. */
export interface TicketServices {
  config: Config;
  client: TicketClient;
  outbox: Outbox;
  index: TicketIndex;
  /** Our bare JID. */
  account: string;
  purpleDir: string;
  /** Sends what is due (or everything with `force`), recording created tickets. */
  flush(options?: { force?: boolean; only?: string[] }): Promise<FlushReport>;
}

/** Loads settings and opens the ticket services; `XMPP_JID`, `API_BASE_URL`, `API_TOKEN` are required. */
export async function openTicketServices(
  ctx: CliContext,
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
  const baseUrl = requireSetting(config, "API_BASE_URL");
  const token = requireSetting(config, "API_TOKEN");
  let account: string;
  try {
    account = toBareJid(requireSetting(config, "XMPP_JID"), "XMPP_JID");
  } catch (err) {
    if (err instanceof UsageError) {
      const { ConfigError } = await import("../../errors.ts");
      throw new ConfigError(err.message, {
        hint: "Fix XMPP_JID in the environment, in .env, or with --jid",
      });
    }
    throw err;
  }
  const purpleDir = await ctx.purpleDir();

  const client = new tickets.TicketClient({
    baseUrl,
    token,
    timeoutMs: (config.API_TIMEOUT ?? 5) * 1000,
  });
  const outbox = new tickets.Outbox(
    store.openJsonDir(store.accountStatePath(purpleDir, account, "outbox")),
  );
  const indexFile = store.accountStatePath(purpleDir, account, "tickets.json");
  const index = new tickets.TicketIndex({
    read: () => store.readJsonFile(indexFile),
    write: (data) => store.writeJsonFile(indexFile, data),
  });
  const onDelivered = async (d: Delivery) => {
    if ("ticket" in d) await index.remember([d.ticket]);
  };
  return {
    config,
    client,
    outbox,
    index,
    account,
    purpleDir,
    flush: (options = {}) => outbox.flush(client, { ...options, onDelivered }),
  };
}

/** What became of a new ticket. */
export type CreateOutcome =
  | { status: "created"; ticket: import("../../tickets/mod.ts").Ticket }
  | { status: "queued"; outboxId: string; error: Error };

/**
 * Creates a ticket for `contact` through the outbox, with the last
 * `contextLines` entries of the conversation's Pidgin log as context. Throws
 * the backend's error when it refuses for good (nothing stays queued then).
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
  const { readRecentLog } = await import("../../store/mod.ts");
  const lines = request.contextLines ?? services.config.TICKET_CONTEXT_LINES ??
    20;
  const context = lines === 0 ? [] : (await readRecentLog(
    services.purpleDir,
    services.account,
    request.contact,
    lines,
  )).map((e) => e.text);
  const item = await services.outbox.queueCreate({
    account: services.account,
    contact: request.contact,
    subject: request.subject ?? request.body.split("\n")[0]!.slice(0, 120),
    priority: request.priority,
    message: {
      from: services.account,
      to: request.contact,
      body: request.body,
      sentAt: new Date().toISOString(),
    },
    context,
  });
  const report = await services.flush({ force: true, only: [item.id] });
  const delivered = report.delivered[0];
  if (delivered && "ticket" in delivered) {
    return { status: "created", ticket: delivered.ticket };
  }
  const failed = report.failed[0];
  if (failed) {
    await services.outbox.discard(item.id);
    throw failed.error;
  }
  return {
    status: "queued",
    outboxId: item.id,
    error: report.deferred[0]!.error,
  };
}
