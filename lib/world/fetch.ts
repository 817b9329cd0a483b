import "server-only";
import { readWorldEnv } from "./env";
import { ToolError } from "./errors";

/** The in-app pseudo-host: always allowed, served from LOCAL_DOCUMENTS, never from the network. */
export const LOCAL_HOST = "holdfast.local";

export type FetchedDocument = {
  url: string;
  status: number;
  contentType: string;
  title: string;
  text: string;
  bytes: number;
  truncated: boolean;
};

/** The documents `holdfast.local` serves, so the research agent has something real to read offline. */
export const LOCAL_DOCUMENTS: Record<string, { title: string; contentType: string; text: string }> = {
  "/": {
    title: "holdfast.local",
    contentType: "text/plain",
    text: "Documents: /docs/durable-execution, /docs/side-effects, /docs/log-rotation, /status",
  },
  "/docs/durable-execution": {
    title: "Durable execution in brief",
    contentType: "text/markdown",
    text: [
      "# Durable execution in brief",
      "A durable function is split into steps whose results are memoized. After a crash the function is replayed:",
      "completed steps return their recorded results instead of running again, so work resumes where it stopped.",
      "Steps must be deterministic in what they decide; anything that touches the outside world belongs in a step.",
    ].join("\n"),
  },
  "/docs/side-effects": {
    title: "Exactly-once side effects",
    contentType: "text/markdown",
    text: [
      "# Exactly-once side effects",
      "Networks only give at-least-once delivery. Exactly-once effects come from idempotency keys and a ledger:",
      "record the intent before acting, record the outcome after, and when a crash leaves the outcome unknown,",
      "reconcile with the receiving system before trying again.",
    ].join("\n"),
  },
  "/docs/log-rotation": {
    title: "Log rotation",
    contentType: "text/markdown",
    text: [
      "# Log rotation",
      "Rotated logs (app.log.1, app.log.2.gz …) are safe to delete once they are past the retention period,",
      "typically 7 days. Live logs must never be deleted while a process writes to them.",
    ].join("\n"),
  },
  "/status": {
    title: "Status",
    contentType: "application/json",
    text: JSON.stringify({ status: "ok", services: { api: "up", engine: "up", database: "up" } }),
  },
};

function refuse(code: string, message: string): never {
  throw new ToolError("forbidden", code, message);
}

/**
 * GETs `url` if its host is allowed: `holdfast.local` (answered from LOCAL_DOCUMENTS) or a host named in
 * HOLDFAST_FETCH_ALLOWLIST. Anything else is refused with `fetch_host_not_allowed` before any network I/O.
 */
export async function fetchAllowedUrl(input: { url: string; signal?: AbortSignal }): Promise<FetchedDocument> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new ToolError("validation", "fetch_invalid_url", `not a URL: ${input.url}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    refuse("fetch_scheme_not_allowed", `only http and https URLs may be fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) refuse("fetch_credentials_not_allowed", "URLs with credentials are refused");
  const host = url.hostname.toLowerCase();
  if (host === LOCAL_HOST) return fetchLocal(url);

  const env = readWorldEnv();
  if (!env.fetchAllowlist.includes(host)) {
    refuse(
      "fetch_host_not_allowed",
      `${host} is not on the fetch allow-list (HOLDFAST_FETCH_ALLOWLIST); allowed: ${[LOCAL_HOST, ...env.fetchAllowlist].join(", ")}`,
    );
  }
  const signals = [AbortSignal.timeout(env.HOLDFAST_FETCH_TIMEOUT_MS), ...(input.signal ? [input.signal] : [])];
  let response: Response;
  try {
    // No redirects: a redirect could leave the allow-list.
    response = await fetch(url, { redirect: "manual", signal: AbortSignal.any(signals) });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new ToolError(
      timedOut ? "timeout" : "provider_unavailable",
      timedOut ? "fetch_timeout" : "fetch_failed",
      `fetching ${url.href} failed`,
      {
        retriable: true,
      },
    );
  }
  const buffer = new Uint8Array(await response.arrayBuffer());
  const truncated = buffer.byteLength > env.HOLDFAST_FETCH_MAX_BYTES;
  const text = new TextDecoder().decode(truncated ? buffer.subarray(0, env.HOLDFAST_FETCH_MAX_BYTES) : buffer);
  return {
    url: url.href,
    status: response.status,
    contentType: response.headers.get("content-type") ?? "application/octet-stream",
    title: /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim() ?? url.href,
    text,
    bytes: buffer.byteLength,
    truncated,
  };
}

function fetchLocal(url: URL): FetchedDocument {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const document = LOCAL_DOCUMENTS[path];
  if (!document) {
    const text = `no document at ${path}`;
    return {
      url: url.href,
      status: 404,
      contentType: "text/plain",
      title: "Not found",
      text,
      bytes: text.length,
      truncated: false,
    };
  }
  return {
    url: url.href,
    status: 200,
    contentType: document.contentType,
    title: document.title,
    text: document.text,
    bytes: Buffer.byteLength(document.text),
    truncated: false,
  };
}
