/**
 * Resources: the long-lived session of an account (interactive mode, `chat`)
 * binds its own resource exactly, kept per profile and account
 * (`pidgin.<random>`, as Conversations and Profanity do) unless one is
 * configured; a one-shot command binds one of its own, so it never
 * replaces a running session of the same account.
 */

/** Eight random characters for resource names. */
export function randomTag(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...crypto.getRandomValues(new Uint8Array(8))].map((b) =>
    alphabet[b % alphabet.length]
  ).join("");
}

/** The resource kept for an account in the profile, made on first use. */
export async function keptResource(
  purpleDir: string,
  account: string,
): Promise<string> {
  const store = await import("../store/mod.ts");
  const file = store.accountStatePath(purpleDir, account, "resource.json");
  return await store.withFileLock(file, async () => {
    const data = await store.readJsonFile(file).catch(() => undefined);
    const kept = data && typeof data === "object" && "resource" in data
      ? data.resource
      : undefined;
    if (typeof kept === "string" && /^pidgin\.[a-z0-9]{8}$/.test(kept)) {
      return kept;
    }
    const resource = `pidgin.${randomTag()}`;
    await store.writeJsonFile(file, { resource });
    return resource;
  });
}

/** The resource a session binds: the account's own, or (a one-shot command, `listen`) one derived from it. */
export function sessionResource(own: string, exact: boolean): string {
  return exact ? own : `${own}.${randomTag()}`;
}
