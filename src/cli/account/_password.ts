import { UsageError } from "../../errors.ts";
import { readAllStdin } from "../_stdin.ts";

/** A password for `account add` / `account password`: from stdin (`--password-stdin`), else asked without echo. */
export async function readNewPassword(
  jid: string,
  fromStdin: boolean,
): Promise<string> {
  if (fromStdin) {
    const password = (await readAllStdin()).split(/\r?\n/)[0] ?? "";
    if (password === "") {
      throw new UsageError("Cannot read the password: stdin is empty", {
        hint: "Pipe the password in: pass show xmpp/me | pidgin account …",
      });
    }
    return password;
  }
  if (!Deno.stdin.isTerminal()) {
    throw new UsageError(
      "Cannot ask for the password: stdin is not a terminal",
      {
        hint: "Pass --password-stdin and pipe the password in",
      },
    );
  }
  const { promptPassword } = await import("../../core/mod.ts");
  return promptPassword(jid);
}

/** Said whenever a password is stored. */
export const CLEAR_TEXT_NOTE =
  "The password is stored in accounts.xml in clear text, as Pidgin stores it (the file is readable only by you)\n";
