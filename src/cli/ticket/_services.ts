/** The ticket services of the run's account, with warnings on stderr. */
import type { TicketServices } from "../../core/mod.ts";
import type { CliContext } from "../context.ts";

export type { TicketServices } from "../../core/mod.ts";

/** Opens the ticket services; `offline` needs no backend settings. */
export async function openTicketServices(
  ctx: CliContext,
  options: { offline?: boolean } = {},
): Promise<TicketServices> {
  const core = await ctx.core();
  return core.tickets(await core.account(), {
    offline: options.offline,
    warn: (line) => void ctx.err(`${line}\n`).catch(() => {}),
  });
}
