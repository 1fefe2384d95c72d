import { UsageError } from "../../errors.ts";
import type { CommandSpec } from "../command.ts";
import { accountAddCommand } from "./add.ts";
import {
  accountDefaultCommand,
  accountDisableCommand,
  accountEnableCommand,
  accountPasswordCommand,
  accountRemoveCommand,
} from "./change.ts";
import { accountListCommand } from "./list.ts";

/** `pidgin account …`: the XMPP accounts of the Pidgin profile (accounts.xml). */
export const accountCommand: CommandSpec = {
  name: "account",
  summary:
    "The profile's accounts: add, list, remove, default, enable, disable, password",
  args: "[command]",
  examples: [
    "pidgin account add alice@example.com/laptop",
    "pidgin account list",
    "pidgin account default alice@example.com",
  ],
  subcommands: [
    accountAddCommand,
    accountListCommand,
    accountRemoveCommand,
    accountDefaultCommand,
    accountEnableCommand,
    accountDisableCommand,
    accountPasswordCommand,
  ],
  run([name]) {
    return Promise.reject(
      new UsageError(
        name === undefined
          ? "Missing account command"
          : `Unknown account command "${name}"`,
        { hint: "Run pidgin account --help for the account commands" },
      ),
    );
  },
};
