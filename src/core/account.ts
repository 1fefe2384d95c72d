/**
 * An account pidgin can log in as, with everything a session needs. Today
 * the account comes from the settings (XMPP_JID, XMPP_PASSWORD, …).
 */
import type { Config } from "../config/mod.ts";

/** One XMPP account, ready to connect. */
export interface Account {
  /** Bare JID, lower-case. */
  jid: string;
  /**
   * The account's own resource (bound exactly by a long-lived session):
   * XMPP_RESOURCE, else the one kept in the profile, made on first use.
   */
  resource(): Promise<string>;
  /** The password, asked for only when a session starts (reading logs needs none). */
  password(): Promise<string>;
  /** Host, address or xmpp(s):// URI; SRV lookup when absent. */
  server?: string;
  port?: number;
  /** A PEM file of extra CAs to trust. */
  caFile?: string;
}

/** The account of the settings: XMPP_JID and XMPP_PASSWORD are required. */
export async function accountFromSettings(
  config: Config,
  purpleDir: string,
): Promise<Account> {
  const [{ requireSetting }, { toBareJid }, { keptResource }] = await Promise
    .all([
      import("../config/mod.ts"),
      import("../xmpp/mod.ts"),
      import("./resource.ts"),
    ]);
  const jid = toBareJid(requireSetting(config, "XMPP_JID"));
  let resource: Promise<string> | undefined;
  return {
    jid,
    resource: () =>
      resource ??= config.XMPP_RESOURCE
        ? Promise.resolve(config.XMPP_RESOURCE)
        : keptResource(purpleDir, jid),
    password: () => Promise.resolve(requireSetting(config, "XMPP_PASSWORD")),
    server: config.XMPP_SERVER,
    port: config.XMPP_PORT,
    caFile: config.XMPP_CA_FILE,
  };
}
