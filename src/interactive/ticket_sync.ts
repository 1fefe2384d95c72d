/**
 * Ticket updates in interactive mode: every so often, what changed on the
 * account's open tickets is printed in the chat with the ticket's contact.
 */
import { indentContinuation } from "../text/continuation.ts";
import type { AccountView, App } from "./app.ts";

/** Starts syncing an account's tickets; `stop()` resolves once the round under way has finished. */
export function startTicketSync(
  app: App,
  account: AccountView,
  intervalMs: number,
): { stop(): Promise<void> } {
  const services = account.tickets!.services;
  let stopped = false;
  let warned = false;
  const round = async () => {
    const open = (await services.index.list()).filter((t) =>
      t.status !== "closed"
    );
    const { syncTicketPages } = await import("../tickets/mod.ts");
    for (const entry of open) {
      if (stopped) return;
      let from = entry.cursor;
      for await (
        const page of syncTicketPages(services.client, entry.id, from)
      ) {
        // Saved only over the cursor this round started from, so another
        // pidgin syncing the same ticket is never moved back.
        const saved = await services.index.advanceCursor(entry.id, {
          from,
          to: page.nextCursor,
          status: page.status,
        });
        if (!saved) break;
        from = page.nextCursor;
        for (const event of page.events) {
          const text = event.type === "message"
            ? `[ticket ${entry.id}] ${event.message.author.name}: ${
              indentContinuation(event.message.body)
            }`
            : `[ticket ${entry.id}] status ${event.status}`;
          showInChat(app, account, entry.contact, text);
        }
      }
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    running = round().catch((err) => {
      if (warned) return;
      warned = true;
      app.view.line(
        app.view.dim(
          `Cannot sync tickets: ${
            err instanceof Error ? err.message : String(err)
          }`,
        ),
      );
    }).finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      clearTimeout(timer);
    },
  };
}

function showInChat(
  app: App,
  account: AccountView,
  contact: string,
  text: string,
): void {
  const conversation = app.open(account, contact);
  if (app.current === conversation) {
    app.view.line(text);
    return;
  }
  conversation.missed.push(text);
  conversation.unread++;
  app.view.line(
    app.view.dim(`(${text} — in the chat with ${app.label(account, contact)})`),
  );
  app.updatePrompt();
}
