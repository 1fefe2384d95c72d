import { ConnectionError, InterruptedError } from "../errors.ts";
import { indentContinuation } from "../text/continuation.ts";
import type { ChatMessage } from "../xmpp/mod.ts";
import { parseCount, parseDuration } from "./_numbers.ts";
import type { CommandSpec } from "./command.ts";

function localTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${
    p(date.getDate())
  } ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** One message as `--json` prints it: one object per line. */
function record(account: string, m: ChatMessage) {
  return {
    account,
    from: m.from,
    contact: m.contact,
    body: m.body,
    sentAt: m.sentAt.toISOString(),
    delayed: m.delayed,
    source: m.source,
    id: m.id ?? null,
    stanzaId: m.stanzaId ?? null,
  };
}

/**
 * `pidgin listen`: the receiving side for scripts. Online on a resource of
 * its own (so it runs next to the interactive mode), it prints each incoming
 * message once it is logged, including what archive catch-up brings, and
 * tells the server a message was handled only once it was printed.
 */
export const listenCommand: CommandSpec = {
  name: "listen",
  summary:
    "Print incoming messages as they arrive (and what came while offline)",
  args: "",
  examples: [
    "pidgin listen",
    "pidgin listen --from bob@example.com --count 1",
    "pidgin listen --for 10m --json | jq -r .body",
  ],
  options: [
    { flags: "--from <jid>", description: "only messages from this contact" },
    {
      flags: "--count <n>",
      description: "exit 0 after printing this many messages",
    },
    {
      flags: "--for <duration>",
      description: "exit 0 after this long (30s, 5m, 2h)",
    },
    { flags: "--json", description: "one JSON object per message and line" },
    {
      flags: "--no-log",
      description: "do not write the messages to the chat logs",
    },
  ],
  async run(_args, options, ctx) {
    const { toBareJid } = await import("../xmpp/mod.ts");
    const from = typeof options.from === "string"
      ? toBareJid(options.from, "contact")
      : undefined;
    const count = typeof options.count === "string"
      ? parseCount(options.count, "--count")
      : undefined;
    const forMs = typeof options.for === "string"
      ? parseDuration(options.for, "--for")
      : undefined;
    const core = await ctx.core();
    const account = await core.account();

    let printed = 0;
    let finish: (outcome: "done" | "interrupted" | Error) => void = () => {};
    const finished = new Promise<"done" | "interrupted" | Error>((resolve) =>
      finish = resolve
    );
    const print = async (batch: ChatMessage[]) => {
      const shown: ChatMessage[] = [];
      for (const m of batch) {
        if (m.direction !== "in" || (from && m.contact !== from)) continue;
        if (count !== undefined && printed >= count) break;
        printed++;
        shown.push(m);
      }
      if (options.json) {
        for (const m of shown) {
          await ctx.json(record(account.jid, m), { compact: true });
        }
      } else if (shown.length > 0) {
        await ctx.out(
          shown.map((m) =>
            `${localTime(m.sentAt)} ${m.contact}: ${
              indentContinuation(m.body)
            }\n`
          ).join(""),
        );
      }
      if (count !== undefined && printed >= count) finish("done");
    };

    await using connection = await core.connect(account, {
      longLived: true,
      ownResource: false,
      log: options.log === false ? false : undefined,
      notice: (line) => void ctx.err(`${line}\n`).catch(() => {}),
      onMessages: print,
    });
    const { session } = connection;
    let lost: Error | undefined;
    let online = true;
    const offs = [
      session.on("disconnected", (error) => {
        lost = error;
      }),
      session.on("status", (status) => {
        if (status !== "offline") return;
        online = false;
        finish(
          lost ??
            new ConnectionError("The connection to the server was lost", {
              hint: "Run pidgin listen again",
            }),
        );
      }),
      session.on("reconnecting", (e) =>
        void ctx.err(
          `pidgin: Connection lost; reconnecting in ${
            Math.round(e.inMs / 1000)
          } s\n`,
        ).catch(() => {})),
    ];
    // Messages to the bare JID reach only resources that are available.
    await session.sendPresence();
    const onInterrupt = () => finish("interrupted");
    const onTerminate = () => finish("done");
    Deno.addSignalListener("SIGINT", onInterrupt);
    Deno.addSignalListener("SIGTERM", onTerminate);
    const timer = forMs === undefined
      ? undefined
      : setTimeout(() => finish("done"), forMs);
    try {
      const outcome = await finished;
      if (outcome === "interrupted") throw new InterruptedError("Interrupted");
      if (outcome instanceof Error) throw outcome;
      if (online) {
        await session.sendPresence("unavailable").catch(() => {});
      }
    } finally {
      clearTimeout(timer);
      Deno.removeSignalListener("SIGINT", onInterrupt);
      Deno.removeSignalListener("SIGTERM", onTerminate);
      for (const off of offs) off();
    }
  },
};
