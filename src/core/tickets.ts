/**
 * What every ticket operation of an account shares: the client, the outbox
 * and the ticket index, built from the settings. Problems with pidgin's own
 * files (a damaged index set aside, an outbox record moved to `rejected/`)
 * are reported once through `warn` and never stop a command.
 */
import type { Config } from "../config/mod.ts";
import type {
  Delivery,
  FlushReport,
  Outbox,
  OutboxItem,
  OutboxRequest,
  TicketClient,
  TicketIndex,
} from "../tickets/mod.ts";

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
  config: Config;
  purpleDir: string;
  /** The account's bare JID. */
  account: string;
  /** Only local files are used: API_BASE_URL and API_TOKEN are not needed. */
  offline?: boolean;
  /** Where warnings go, one line each (already `pidgin: `-prefixed). */
  warn: (line: string) => void;
}

/**
 * Opens the ticket services of an account; `API_BASE_URL` and `API_TOKEN`
 * are required unless `offline`. A ConfigError for a backend the token must
 * not be sent to (`http://` beyond loopback).
 */
export async function openTicketServices(
  options: TicketServiceOptions,
): Promise<TicketServices> {
  const [{ requireSetting }, store, tickets] = await Promise.all([
    import("../config/mod.ts"),
    import("../store/mod.ts"),
    import("../tickets/mod.ts"),
  ]);
  const { config, account, purpleDir } = options;
  let client: TicketClient | undefined;
  const openClient = () =>
    client ??= new tickets.TicketClient({
      baseUrl: requireSetting(config, "API_BASE_URL"),
      token: requireSetting(config, "API_TOKEN"),
      timeoutMs: (config.API_TIMEOUT ?? 5) * 1000,
    });
  // Settings first: a bad backend is refused before anything is queued.
  if (!options.offline) openClient();
  const warn = (message: string, hint?: string) => {
    options.warn(`pidgin: ${message}`);
    if (hint) options.warn(`hint: ${hint}`);
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
