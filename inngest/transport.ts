import type { Inngest } from "inngest";
import { Agent, type Dispatcher, request } from "undici";

// How Holdfast's Inngest clients reach the engine. With checkpointing the SDK makes one API request per step and
// runs the next step only when it is answered, so the CPU of that request is on every step's critical path. The
// SDK's defaults spend most of it on two things measured in docs/engine.md ("Where a checkpoint's time goes"):
// the WHATWG `fetch` machinery (request clone, body tee, streams) and rebuilding its headers from the whole
// process environment. Both are replaced here, through the client's documented `fetch` option and a cached copy
// of its environment headers; the requests on the wire stay the same.

/** Keep-alive connections to the engine, shared by every request of this process. */
const enginePool = new Agent({ keepAliveTimeout: 30_000 });

/** Statuses whose responses carry no body (a `Response` refuses one). */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The Inngest client's `fetch`: plain-HTTP requests with a string body or none — the engine's event and
 * checkpoint APIs on this machine — go through undici's `request` on a keep-alive pool and come back as a
 * buffered `Response` (the engine's answers are small JSON), following redirects as fetch does. Anything else
 * (https to Inngest Cloud, stream bodies, `Request` objects, other redirect modes) goes to the global `fetch`
 * unchanged. Failures look like `fetch`'s: the signal's
 * reason when aborted, otherwise `TypeError("fetch failed")` with the cause, which the SDK treats as a
 * network error.
 */
export const engineFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : undefined;
  const body = init?.body;
  const followsRedirects = (init?.redirect ?? "follow") === "follow";
  if (!url?.startsWith("http:") || (body != null && typeof body !== "string") || !followsRedirects) {
    return fetch(input, init);
  }
  try {
    const answer = await request(url, {
      method: (init?.method ?? "GET") as Dispatcher.HttpMethod,
      headers: requestHeaders(init?.headers),
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
      dispatcher: enginePool,
      maxRedirections: 20, // fetch's limit
    });
    const bytes = await answer.body.arrayBuffer();
    return new Response(NO_BODY_STATUSES.has(answer.statusCode) ? null : bytes, {
      status: answer.statusCode,
      headers: responseHeaders(answer.headers),
    });
  } catch (error) {
    if (init?.signal?.aborted) throw init.signal.reason;
    throw new TypeError("fetch failed", { cause: error });
  }
};

function requestHeaders(headers: HeadersInit | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  // The SDK passes a plain object; other shapes are normalized by the WHATWG rules.
  if (!(headers instanceof Headers) && !Array.isArray(headers)) return headers;
  return Object.fromEntries(new Headers(headers));
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) result.append(name, item);
    else if (value !== undefined) result.append(name, value);
  }
  return result;
}

/**
 * The SDK recomputes `client.headers` (its version, environment and platform headers) for every API request by
 * walking the whole process environment. They depend only on the environment, which Holdfast never changes after
 * start, so they are computed once and kept on the client.
 */
export function cacheEnvironmentHeaders<Client extends Inngest.Any>(client: Client): Client {
  Object.defineProperty(client, "headers", { value: Object.freeze({ ...client.headers }) });
  return client;
}
