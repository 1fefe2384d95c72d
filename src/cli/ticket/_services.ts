/**
 * What the ticket commands share: the client, the outbox and the ticket
 * index of the configured account, built from the settings.
 */
import { join } from "node:path";
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
  const purpleDir = store.resolvePurpleDir({
    flag: ctx.globals.purpleDir,
    purpleHome: config.PURPLE_HOME,
    home: config.home,
  });
  const state = join(store.stateDir(purpleDir), store.escapeFilename(account));
  const client = new tickets.TicketClient({
    baseUrl,
    token,
    timeoutMs: (config.API_TIMEOUT ?? 5) * 1000,
  });
  const outbox = new tickets.Outbox(store.openJsonDir(join(state, "outbox")));
  const indexFile = join(state, "tickets.json");
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
