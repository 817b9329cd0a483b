import type { Inngest } from "inngest";
import { Agent, type Dispatcher } from "undici";

// How Holdfast's Inngest clients reach the engine. With checkpointing the SDK makes one API request per step and
// runs the next step only when it is answered, so the CPU of that request is on every step's critical path. The
// SDK's defaults spend most of it on two things measured in docs/engine.md ("Where a checkpoint's time goes"):
// the WHATWG `fetch` machinery (request clone, body tee, response streams) and rebuilding its headers from the whole
// process environment. Both are replaced here, through the client's documented `fetch` option and a cached copy
// of its environment headers; the requests on the wire stay the same.

/** Keep-alive connections to the engine, shared by every request of this process. */
const enginePool = new Agent({ keepAliveTimeout: 30_000 });

/** Statuses whose responses carry no body (a `Response` refuses one). */
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The Inngest client's `fetch`: plain-HTTP requests with a string body or none — the engine's event and
 * checkpoint APIs on this machine — go straight to a keep-alive pool and come back as a buffered `Response` (the
 * engine's answers are small JSON). The pool's own `request` is used: undici's top-level `request()` adds a URL
 * parse and a redirect interceptor, ~20 µs per request. Anything else (https to Inngest Cloud, stream bodies, `Request` objects,
 * redirect modes other than "follow") goes to the global `fetch` unchanged, and so does a request that was
 * answered with a redirect (the engine never sends one): fetch asks again and follows it. Failures look like
 * `fetch`'s: the signal's reason when aborted, otherwise `TypeError("fetch failed")` with the cause, which the
 * SDK treats as a network error.
 */
export const engineFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : undefined;
  const body = init?.body;
  const followsRedirects = (init?.redirect ?? "follow") === "follow";
  if (!url?.startsWith("http:") || (body != null && typeof body !== "string") || !followsRedirects) {
    return fetch(input, init);
  }
  let answer: Dispatcher.ResponseData;
  let bytes: ArrayBuffer;
  try {
    const { origin, pathname, search } = new URL(url);
    answer = await enginePool.request({
      origin,
      path: pathname + search,
      method: (init?.method ?? "GET") as Dispatcher.HttpMethod,
      headers: requestHeaders(init?.headers),
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
    });
    bytes = await answer.body.arrayBuffer();
  } catch (error) {
    if (init?.signal?.aborted) throw init.signal.reason;
    throw new TypeError("fetch failed", { cause: error });
  }
  if (REDIRECT_STATUSES.has(answer.statusCode) && answer.headers.location) return fetch(input, init);
  const responseInit = { status: answer.statusCode, headers: responseHeaders(answer.headers) };
  return NO_BODY_STATUSES.has(answer.statusCode)
    ? new Response(null, responseInit)
    : new BufferedResponse(new Uint8Array(bytes), responseInit);
};

/**
 * A `Response` over an answer already in memory. A plain `new Response(bytes)` wraps the bytes in a web stream
 * at once, about a fifth of the transport's CPU per checkpoint; the SDK only reads API answers whole (`json()`,
 * `text()`, `clone()`), so those get the bytes directly. Whoever asks for `body` gets a real `Response` over the
 * bytes behind the scenes, which from then on answers every read. Like any `Response`, the body can be read once.
 */
class BufferedResponse extends Response {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #used = false;
  #streamed: Response | null = null;

  constructor(bytes: Uint8Array<ArrayBuffer>, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    // A body already read whole is an empty, finished stream, as in fetch.
    this.#streamed ??= new Response(this.#used ? new Uint8Array(0) : this.#bytes, this);
    return this.#streamed.body as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override get bodyUsed(): boolean {
    return this.#used || (this.#streamed?.bodyUsed ?? false);
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#streamed) return this.#streamed.bytes();
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#streamed) return this.#streamed.arrayBuffer();
    return (await this.bytes()).buffer; // exactly the bytes read: the array spans its whole buffer
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get("content-type") ?? "" });
  }

  override async formData(): Promise<FormData> {
    return new Response(await this.bytes(), this).formData();
  }

  override clone(): Response {
    if (this.#streamed) return this.#streamed.clone();
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.#bytes.slice(), this); // each copy owns its bytes, as with fetch
  }
}

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
