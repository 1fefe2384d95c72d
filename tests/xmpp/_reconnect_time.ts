/**
 * How long from a cut connection to a working session again: resumed
 * (XEP-0198) next to a reconnect that binds a new session (Prosody without
 * stream management). In process, against the test Prosody through the
 * fault proxy. Not a test; run it by hand:
 *
 *   deno run -A tests/xmpp/_reconnect_time.ts [cuts]
 */
import { createSession } from "../../src/xmpp/mod.ts";
import { startFaultProxy } from "../_support/fault_proxy.ts";
import { startProsody } from "../_support/prosody.ts";
import { next } from "./_prosody_session.ts";
import { reliableOptions } from "./_reliable.ts";

const CUTS = Number(Deno.args[0] ?? 15);

async function measure(resumable: boolean): Promise<number[]> {
  await using prosody = await startProsody({
    withoutStreamManagement: !resumable,
  });
  await using proxy = await startFaultProxy({
    target: prosody.port,
    caFile: prosody.caFile,
  });
  await using session = createSession(
    await reliableOptions(proxy, { reconnectBaseMs: 1, reconnectMaxMs: 1 }),
  );
  await session.start();
  await session.sendPresence();
  const times: number[] = [];
  for (let i = 0; i < CUTS; i++) {
    await session.roundTrip();
    const back = next(
      session,
      "status",
      (s) => s === (resumable ? "resumed" : "online"),
    );
    const started = performance.now();
    await proxy.cut();
    await back;
    times.push(performance.now() - started);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

for (const resumable of [true, false]) {
  const times = await measure(resumable);
  console.log(
    `${resumable ? "cut → resumed" : "cut → new session"}: median ${
      median(times).toFixed(1)
    } ms, min ${Math.min(...times).toFixed(1)}, max ${
      Math.max(...times).toFixed(1)
    } (${CUTS} cuts)`,
  );
}
