import { ConnectionError, InterruptedError, UsageError } from "../errors.ts";
import { sanitizeForTerminal } from "../text/sanitize.ts";
import type { ChatMessage } from "../xmpp/mod.ts";
import type { CommandSpec } from "./command.ts";
import { logAndSend, logIncoming } from "./context.ts";

function clock(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

/**
 * `pidgin chat <jid>`: a conversation in the terminal. Incoming lines are
 * logged, then printed above the prompt, which is redrawn with the partial
 * input; each typed line is logged, then sent. Piped stdin sends each line
 * and exits after the last one was acknowledged.
 */
export const chatCommand: CommandSpec = {
  name: "chat",
  summary: "Chat with one contact; /quit or Ctrl-D ends the conversation",
  args: "<jid>",
  examples: [
    "pidgin chat bob@example.com",
    'printf "hi\\nhow are you?\\n" | pidgin chat bob@example.com',
    "pidgin chat --no-log bob@example.com",
  ],
  options: [{
    flags: "--no-log",
    description: "do not write this conversation to the chat logs",
  }],
  async run([to], options, ctx) {
    if (!to) throw new UsageError("Cannot start a chat: expected <jid>");
    const { toBareJid } = await import("../xmpp/mod.ts");
    const contact = toBareJid(to, "contact");
    // Loaded here, not at the top, so `pidgin --help` does not pay for them.
    const { default: readline } = await import("node:readline");
    const { default: process } = await import("node:process");
    const interactive = Deno.stdin.isTerminal();
    const color = ctx.color;
    await using session = await ctx.openSession();
    await using log = await ctx.openLog(session, {
      enabled: options.log !== false,
    });
    const roster = await session.getRoster();
    const rosterNames = new Map(roster.map((item) => [item.jid, item.name]));
    const contactName = log.nameOf(contact, rosterNames.get(contact));
    await session.sendPresence();
    const { startTicketBackground } = await import("./ticket/_background.ts");
    const tickets = await startTicketBackground(ctx);
    tickets?.report("available");

    const rl = readline.createInterface({
      input: process.stdin,
      output: interactive ? process.stdout : undefined,
      terminal: interactive,
      prompt: interactive ? `${sanitizeForTerminal(contactName)}> ` : "",
    });

    // Everything that touches the log or the screen runs in arrival order.
    let queue = Promise.resolve();
    let failure: unknown;
    const enqueue = (task: () => Promise<void>) => {
      queue = queue.then(task).catch((err) => {
        failure ??= err;
        rl.close();
      });
    };

    const show = (text: string) => {
      if (interactive) {
        readline.clearLine(process.stdout, 0);
        readline.cursorTo(process.stdout, 0);
        process.stdout.write(text + "\n");
        rl.prompt(true);
      } else {
        process.stdout.write(text + "\n");
      }
    };
    const paint = (code: string, text: string) =>
      color ? `\x1b[${code}m${text}\x1b[0m` : text;

    const format = (message: ChatMessage, name: string): string => {
      const body = sanitizeForTerminal(message.body);
      const who = sanitizeForTerminal(name);
      const at = clock(message.sentAt);
      if (message.fromBare !== contact) {
        return paint("2", `(${at} message from ${who}: ${body})`);
      }
      return message.body.startsWith("/me ")
        ? `${at} ${paint("35", `* ${who}`)} ${body.slice(4)}`
        : `${at} ${paint("1;31", who)}: ${body}`;
    };

    // Messages that arrive while the previous ones are being written wait
    // here and are then logged with one write per conversation and printed
    // with one write: a flood costs a few system calls, not two per message.
    let arrived: ChatMessage[] = [];
    const nameOf = (jid: string) => log.nameOf(jid, rosterNames.get(jid));
    const flushArrived = async () => {
      const batch = arrived;
      arrived = [];
      await logIncoming(log, batch, nameOf);
      show(
        batch.map((message) => format(message, nameOf(message.fromBare))).join(
          "\n",
        ),
      );
    };
    const onMessage = (message: ChatMessage) => {
      arrived.push(message);
      if (arrived.length === 1) enqueue(flushArrived);
    };
    const offMessage = session.on("message", onMessage);
    const offError = session.on("error", (e) =>
      enqueue(() => {
        show(
          `Cannot deliver to ${
            sanitizeForTerminal(e.from ?? "the server")
          }: ${e.condition}`,
        );
        return Promise.resolve();
      }));
    const offStatus = session.on("status", (status) => {
      if (status === "offline") {
        failure ??= new ConnectionError(
          "The connection to the server was lost",
          {
            hint: "Run the command again",
          },
        );
        rl.close();
      }
    });

    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      rl.close();
    };
    rl.on("SIGINT", onSigint);
    if (!interactive) Deno.addSignalListener("SIGINT", onSigint);

    const closed = new Promise<void>((resolve) =>
      rl.on("close", () => resolve())
    );
    rl.on("line", (line: string) => {
      const text = line.replace(/\r$/, "");
      if (text.trim() === "/quit") return rl.close();
      // A fresh prompt at once: the user may type on while this line is sent.
      if (interactive) rl.prompt();
      if (text.trim() === "") return;
      enqueue(async () => {
        await logAndSend(session, log, contact, text);
      });
    });
    if (interactive) {
      show(
        `Chatting with ${
          sanitizeForTerminal(contactName)
        } as ${session.jid}; /quit or Ctrl-D to leave`,
      );
    }

    await closed;
    if (!interactive) Deno.removeSignalListener("SIGINT", onSigint);
    if (interactive) process.stdout.write("\n");
    await queue;
    // Go offline before the log closes, so whatever arrives until then is logged.
    offStatus();
    await session.stop();
    await queue;
    offMessage();
    offError();
    tickets?.report("offline");
    await tickets?.stop();
    if (failure) throw failure;
    if (interrupted) throw new InterruptedError("Interrupted");
  },
};
