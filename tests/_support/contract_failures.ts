/**
 * The ways the contract server can be told to misbehave, and the responses
 * they turn into (see `ContractServer.fail()`).
 */

/** A way to misbehave, for the next matching requests. */
export type Failure =
  | { kind: "status"; status: number; retryAfter?: number }
  | { kind: "hang" }
  | { kind: "drop-after-commit" }
  | { kind: "malformed" }
  /** An endless 200 body, streamed as fast as the client reads it. */
  | { kind: "oversized" }
  /** Does the request, then answers with `body` instead (a function gets the request's URL). */
  | {
    kind: "json";
    body: unknown | ((url: URL) => unknown);
    status?: number;
  }
  /** Answers 302 to `location` without doing the request. */
  | { kind: "redirect"; location: string };

/** The error body every failure of the contract uses. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers = {},
): Response {
  return Response.json({ error: { code, message, ...extra } }, {
    status,
    headers,
  });
}

/** Before routing: the response that replaces the request altogether, if any. */
export async function failInstead(
  failure: Failure | undefined,
  hanging: Set<() => void>,
): Promise<Response | undefined> {
  if (failure?.kind === "status") {
    return errorResponse(
      failure.status,
      failure.status === 429 ? "rate_limited" : "internal",
      "Injected failure",
      {},
      failure.retryAfter === undefined
        ? {}
        : { "retry-after": String(failure.retryAfter) },
    );
  }
  if (failure?.kind === "hang") {
    await new Promise<void>((resolve) => {
      const done = () => {
        hanging.delete(done);
        resolve();
      };
      hanging.add(done); // released when the server stops
    });
    return errorResponse(503, "unavailable", "Gave up hanging");
  }
  if (failure?.kind === "redirect") {
    return new Response(null, {
      status: 302,
      headers: { location: failure.location },
    });
  }
  if (failure?.kind === "oversized") {
    const chunk = new TextEncoder().encode(
      `{"items":[],"padding":"${"x".repeat(64 * 1024)}`,
    );
    return new Response(
      new ReadableStream({
        pull(controller) {
          controller.enqueue(chunk);
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  }
  return undefined;
}

/** After routing (the request was done): the answer the client gets instead. */
export async function failAfter(
  failure: Failure | undefined,
  response: Response,
  url: URL,
): Promise<Response> {
  if (failure?.kind === "malformed") {
    await response.body?.cancel();
    return Response.json({ id: 42, unexpected: true }, {
      status: response.status === 204 ? 200 : response.status,
    });
  }
  if (failure?.kind === "json") {
    await response.body?.cancel();
    const body = typeof failure.body === "function"
      ? failure.body(url)
      : failure.body;
    return Response.json(body, { status: failure.status ?? 200 });
  }
  if (failure?.kind === "drop-after-commit") {
    const text = await response.text();
    const half = new TextEncoder().encode(
      text.slice(0, Math.max(1, Math.floor(text.length / 2))),
    );
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(half);
          controller.close(); // shorter than content-length: the connection is cut
        },
      }),
      {
        status: response.status,
        headers: {
          "content-type": "application/json",
          "content-length": String(text.length),
        },
      },
    );
  }
  return response;
}
