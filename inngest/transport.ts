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
 * engine's answers are small JSON). They are dispatched with a handler that collects the answer's bytes
 * (`BufferedAnswer`): undici's `request()` would wrap each answer in a Node stream and an async resource, whose
 * hooks run on every promise in a process with an `AsyncLocalStorage` (as the SDK's is). Anything else (https to
 * Inngest Cloud, stream bodies, `Request` objects, redirect modes other than "follow") goes to the global `fetch`
 * unchanged, and so does a request that was answered with a redirect (the engine never sends one): fetch asks
 * again and follows it. Failures look like `fetch`'s: the signal's reason when aborted, otherwise
 * `TypeError("fetch failed")` with the cause, which the SDK treats as a network error.
 */
export const engineFetch: typeof fetch = async (input, init) => {
  // The SDK passes a URL object: its parts are read as they are rather than parsed again.
  const url =
    input instanceof URL ? input : typeof input === "string" && input.startsWith("http:") ? new URL(input) : null;
  const body = init?.body;
  const followsRedirects = (init?.redirect ?? "follow") === "follow";
  if (url?.protocol !== "http:" || (body != null && typeof body !== "string") || !followsRedirects) {
    return fetch(input, init);
  }
  const signal = init?.signal ?? undefined;
  let answer: Answer;
  try {
    const { origin, pathname, search } = url;
    answer = await new Promise<Answer>((resolve, reject) => {
      enginePool.dispatch(
        {
          origin,
          path: pathname + search,
          method: (init?.method ?? "GET") as Dispatcher.HttpMethod,
          headers: requestHeaders(init?.headers),
          body: body ?? undefined,
        },
        new BufferedAnswer(resolve, reject, signal),
      );
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new TypeError("fetch failed", { cause: error });
  }
  const { status, statusText, rawHeaders, bytes } = answer;
  if (REDIRECT_STATUSES.has(status) && headersOf(rawHeaders).has("location")) return fetch(input, init);
  return NO_BODY_STATUSES.has(status)
    ? new Response(null, { status, statusText, headers: headersOf(rawHeaders) })
    : new BufferedResponse(bytes, { status, statusText }, () => headersOf(rawHeaders));
};

type Answer = { status: number; statusText: string; rawHeaders: Buffer[]; bytes: Uint8Array<ArrayBuffer> };

/** Headers from undici's raw name/value pairs, whose bytes are latin1 ("isomorphic decode") as fetch reads them. */
function headersOf(rawHeaders: Buffer[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    headers.append(rawHeaders[i]?.toString("latin1") ?? "", rawHeaders[i + 1]?.toString("latin1") ?? "");
  }
  return headers;
}

/**
 * Collects one answer for `Dispatcher.dispatch`: its status and headers (informational 1xx answers are
 * skipped), then its body bytes. An abort of the request's signal aborts the request wherever it is.
 */
class BufferedAnswer implements Dispatcher.DispatchHandlers {
  #status = 0;
  #statusText = "";
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  #stopListening: (() => void) | null = null;

  constructor(
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Called again when undici retries the request on a fresh connection: one listener at a time. */
  onConnect(abort: (error?: Error) => void): void {
    const signal = this.signal;
    if (!signal) return;
    this.#stopListening?.();
    if (signal.aborted) {
      abort(signal.reason);
      return;
    }
    const onAbort = () => abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.#stopListening = () => signal.removeEventListener("abort", onAbort);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true;
    this.#status = statusCode;
    this.#statusText = statusText;
    this.#rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  onComplete(): void {
    if (!this.#settle()) return;
    // One array that owns its whole buffer (small Buffers share a pool), so arrayBuffer() is exactly the body.
    const bytes = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    this.resolve({ status: this.#status, statusText: this.#statusText, rawHeaders: this.#rawHeaders, bytes });
  }

  onError(error: Error): void {
    if (this.#settle()) this.reject(error);
  }

  #settle(): boolean {
    this.#stopListening?.();
    this.#stopListening = null;
    if (this.#settled) return false;
    this.#settled = true;
    return true;
  }
}

/**
 * A `Response` over an answer already in memory. A plain `new Response(bytes)` wraps the bytes in a web stream
 * at once, about a fifth of the transport's CPU per checkpoint; the SDK only reads API answers whole (`json()`,
 * `text()`, `clone()`), so those get the bytes directly. Whoever asks for `body` gets a real `Response` over the
 * bytes behind the scenes, which from then on answers every read. Like any `Response`, the body can be read once.
 * Its headers are built when first asked for: the SDK reads only the status of most answers, and a `Headers`
 * costs more to fill than the rest of the response.
 */
class BufferedResponse extends Response {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  #used = false;
  #streamed: Response | null = null;
  #makeHeaders: () => Headers;
  #headers: Headers | null = null;

  constructor(
    bytes: Uint8Array<ArrayBuffer>,
    init: { status: number; statusText: string },
    makeHeaders: () => Headers,
  ) {
    super(null, init);
    this.#bytes = bytes;
    this.#makeHeaders = makeHeaders;
  }

  override get headers(): Headers {
    this.#headers ??= this.#makeHeaders();
    return this.#headers;
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
    // Each copy owns its bytes and headers, as with fetch; headers not built yet are built from the same answer.
    const copy = this.#headers && new Headers(this.#headers);
    return new BufferedResponse(this.#bytes.slice(), this, copy ? () => copy : this.#makeHeaders);
  }
}

function requestHeaders(headers: HeadersInit | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  // The SDK passes a plain object; other shapes are normalized by the WHATWG rules.
  if (!(headers instanceof Headers) && !Array.isArray(headers)) return headers;
  return Object.fromEntries(new Headers(headers));
}

/**
 * Two things the SDK recomputes for every API request, kept on the client instead:
 * - `client.headers` (its version, environment and platform headers), rebuilt by walking the whole process
 *   environment. They depend only on the environment, which Holdfast never changes after start, so they are
 *   computed once.
 * - the bearer token, the SHA-256 of the signing key in pure JavaScript. It is remembered for the key it was
 *   computed from, and computed again only if the client's key changes.
 */
export function cacheRequestInvariants<Client extends Inngest.Any>(client: Client): Client {
  Object.defineProperty(client, "headers", { value: Object.freeze({ ...client.headers }) });
  // biome-ignore lint/complexity/useLiteralKeys: the SDK's own way into its private API client
  const api: { signingKey: string | undefined; hashedKey: string } = client["inngestApi"];
  const hashSigningKey = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(api), "hashedKey")?.get;
  if (hashSigningKey) {
    let memo: { key: string | undefined; hashed: string } | undefined;
    Object.defineProperty(api, "hashedKey", {
      get: () => {
        const key = api.signingKey;
        if (memo === undefined || memo.key !== key) memo = { key, hashed: hashSigningKey.call(api) };
        return memo.hashed;
      },
    });
  }
  return client;
}
