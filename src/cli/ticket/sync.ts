import { indentContinuation } from "../../text/continuation.ts";
import { InterruptedError, UsageError } from "../../errors.ts";
import type { SyncEvent } from "../../tickets/mod.ts";
import type { CommandSpec } from "../command.ts";
import { openTicketServices, type TicketServices } from "./_services.ts";

function describe(id: string, event: SyncEvent): string {
  if (event.type === "status") return `${id} status ${event.status}`;
  const m = event.message;
  return `${id} ${
    m.createdAt.slice(0, 16).replace("T", " ")
  } ${m.author.name} (${m.author.kind}): ${indentContinuation(m.body)}`;
}

type Relay = Awaited<ReturnType<typeof openRelay>>;
type Out = (text: string) => Promise<void>;

/**
 * One ticket's new events, page by page until the end (bounded by the
 * paging rules). The cursor is saved only over the one this sync started
 * from, so a slower sync never moves it back. With `relay`, agents'
 * messages go to the ticket's contact (only for tickets of our account),
 * the cursor saved after each, all under the account's relay lock: two
 * relaying processes never send one message twice.
 */
async function syncOne(
  services: TicketServices,
  ticketId: string,
  out: Out,
  relay: Relay | undefined,
): Promise<void> {
  const { syncTicketPages } = await import("../../tickets/mod.ts");
  let entry = await services.index.get(ticketId);
  let cursor = entry?.cursor;
  for await (const page of syncTicketPages(services.client, ticketId, cursor)) {
    if (!entry) {
      await services.index.remember([
        await services.client.getTicket(ticketId),
      ]);
      entry = await services.index.get(ticketId);
    }
    for (const event of page.events) {
      await out(describe(ticketId, event) + "\n");
      if (
        relay && event.type === "message" &&
        event.message.author.kind === "agent" && entry &&
        entry.account === services.account
      ) {
        await relay.send(entry.contact, event.message.body);
        // Saved after each relayed message: a crash repeats none of the earlier ones.
        if (
          !await services.index.advanceCursor(ticketId, {
            from: cursor,
            to: event.cursor,
          })
        ) return; // another sync moved on: it relays the rest
        cursor = event.cursor;
      }
    }
    const moved = await services.index.advanceCursor(ticketId, {
      from: cursor,
      to: page.nextCursor,
      status: page.status,
    });
    if (!moved) return;
    cursor = page.nextCursor;
  }
}

/**
 * `pidgin ticket sync [<id>]`: new messages and status changes since the
 * last sync (the cursor is kept per ticket in the profile); `--relay` sends
 * agents' messages to the ticket's contact over XMPP and logs them.
 */
export const ticketSyncCommand: CommandSpec = {
  name: "sync",
  summary:
    "Print what changed on tickets since the last sync; --relay sends agent replies to the contact",
  args: "[id]",
  examples: [
    "pidgin ticket sync T-1042",
    "pidgin ticket sync --follow --relay",
  ],
  options: [
    { flags: "--follow", description: "keep syncing until Ctrl-C" },
    {
      flags: "--interval <seconds>",
      description: "pause between syncs with --follow (default 5)",
    },
    {
      flags: "--relay",
      description: "send agents' messages to the ticket's contact over XMPP",
    },
  ],
  async run([given], options, ctx) {
    const interval = options.interval === undefined
      ? 5
      : Number(options.interval);
    if (!Number.isFinite(interval) || interval <= 0 || interval > 86400) {
      throw new UsageError(
        `Invalid --interval "${options.interval}": expected a number of seconds`,
      );
    }
    const { parseTicketId } = await import("../../tickets/mod.ts");
    const id = given === undefined ? undefined : parseTicketId(given);
    const services = await openTicketServices(ctx);
    await services.flush();
    const ids = id
      ? [id]
      : (await services.index.list()).filter((t) => t.status !== "closed").map((
        t,
      ) => t.id);
    if (ids.length === 0) {
      await ctx.err(
        "No tickets to sync; pass an id, or run pidgin ticket list first\n",
      );
      return;
    }
    await using relay = options.relay ? await openRelay(ctx) : undefined;
    const { accountStatePath, withFileLock } = await import(
      "../../store/mod.ts"
    );
    const relayLock = accountStatePath(
      services.purpleDir,
      services.account,
      "relay",
    );

    let interrupted = false;
    let wake: () => void = () => {};
    const onSigint = () => {
      interrupted = true;
      wake();
    };
    Deno.addSignalListener("SIGINT", onSigint);
    try {
      while (!interrupted) {
        for (const ticketId of ids) {
          const out: Out = (text) => ctx.out(text);
          await (relay
            ? withFileLock(
              relayLock,
              () => syncOne(services, ticketId, out, relay),
            )
            : syncOne(services, ticketId, out, undefined));
          if (interrupted) break;
        }
        if (!options.follow) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval * 1000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      Deno.removeSignalListener("SIGINT", onSigint);
    }
    if (interrupted) throw new InterruptedError("Interrupted");
  },
};

async function openRelay(ctx: Parameters<CommandSpec["run"]>[2]) {
  const core = await ctx.core();
  const account = await core.account();
  const connection = await core.connect(account, {
    longLived: false,
    notice: (line) => void ctx.err(`${line}\n`).catch(() => {}),
  });
  return {
    async send(contact: string, body: string) {
      await connection.messaging.send(contact, body);
    },
    [Symbol.asyncDispose]() {
      return connection.close();
    },
  };
}
