/** Reads all of stdin as text. */
export async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}
