import { createHash } from "node:crypto";
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions as SpanStartOptions,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";

// The spans Holdfast opens, through the OpenTelemetry API only: lib/telemetry/setup.ts installs the SDK (in
// instrumentation.ts and engine/main.ts) when traces are exported. Without it every helper here is a no-op that
// still runs the wrapped work, so tests and development stay quiet and pay nothing. Attributes carry ids,
// statuses, counts and durations only — never message text, prompts or secrets (docs/observability.md).

/** Set on every span (by the span processor, from the context's baggage), so a request id finds its spans. */
export const REQUEST_ID_ATTRIBUTE = "holdfast.request_id";
export const REQUEST_ID_BAGGAGE = "holdfast.request_id";

/** What setup.ts installs: span creation on Holdfast's own provider (not the global one: see the docs). */
export type TelemetryState = {
  /** `traceId` chooses the id of a root span (ignored when `parent` holds a span). */
  startSpan: (name: string, options: SpanStartOptions, parent: Context, traceId?: string) => Span;
  forceFlush: () => Promise<void>;
  shutdown: () => Promise<void>;
};

// On globalThis, not in a module variable: Next.js bundles instrumentation.ts and the route handlers apart, so a
// module-level variable would exist once per bundle.
const STATE_KEY = Symbol.for("holdfast.telemetry");
type Holder = { [STATE_KEY]?: TelemetryState };

export function installTelemetry(state: TelemetryState | undefined): void {
  (globalThis as Holder)[STATE_KEY] = state;
}

function telemetry(): TelemetryState | undefined {
  return (globalThis as Holder)[STATE_KEY];
}

export function tracingEnabled(): boolean {
  return telemetry() !== undefined;
}

const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The trace id of a request id: our own ids (`req_` + 32 hex digits) carry it verbatim, any other (a client's
 * X-Request-Id) is hashed. So a request id leads to its trace with no lookup table.
 */
export function traceIdForRequest(requestId: string): string {
  const own = /^req_([0-9a-f]{32})$/.exec(requestId)?.[1];
  if (own && !/^0+$/.test(own)) return own;
  return createHash("sha256").update(requestId).digest("hex").slice(0, 32);
}

/** `parent` plus the request id as baggage: spans started under it get `holdfast.request_id`. */
export function withRequestId(parent: Context, requestId: string | undefined): Context {
  if (!requestId) return parent;
  const baggage = propagation.getBaggage(parent) ?? propagation.createBaggage();
  return propagation.setBaggage(parent, baggage.setEntry(REQUEST_ID_BAGGAGE, { value: requestId }));
}

/** The context a `traceparent` (from an event payload or a header) continues, with the request id. */
export function contextFrom(carrier: { traceparent?: unknown; requestId?: unknown }): Context {
  const traceparent = typeof carrier.traceparent === "string" ? carrier.traceparent : undefined;
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return withRequestId(parent, typeof carrier.requestId === "string" ? carrier.requestId : undefined);
}

/** The W3C `traceparent` of the active span, if any (what event payloads carry to the engine). */
export function activeTraceparent(): string | undefined {
  if (!tracingEnabled()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Adds `traceparent` and `baggage` headers for the active context (the engine's calls to the SDK). */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (tracingEnabled()) propagation.inject(context.active(), headers);
  return headers;
}

type SpanOptions = { kind?: SpanKind; attributes?: Attributes; parent?: Context; traceId?: string };

/**
 * Runs `work` inside a new span (the active one while it runs), ends it, and marks it failed when `work`
 * throws. Without telemetry it just runs `work` with a non-recording span.
 */
export async function withSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const state = telemetry();
  if (!state) return work(NOOP_SPAN);
  const parent = options.parent ?? context.active();
  const span = state.startSpan(name, { kind: options.kind, attributes: options.attributes }, parent, options.traceId);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** A span the caller ends (for work that is not one function call, e.g. an async generator). */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  const state = telemetry();
  if (!state) return NOOP_SPAN;
  return state.startSpan(
    name,
    { kind: options.kind, attributes: options.attributes },
    options.parent ?? context.active(),
  );
}

/**
 * The root span of one API request: a new trace whose id is `traceIdForRequest(requestId)`. An incoming
 * `traceparent` from the client is deliberately not continued; X-Request-Id is the public correlation key.
 */
export async function withRequestSpan<T>(
  requestId: string,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work(NOOP_SPAN);
  const parent = withRequestId(ROOT_CONTEXT, requestId);
  return withSpan(name, { kind: SpanKind.SERVER, attributes, parent, traceId: traceIdForRequest(requestId) }, work);
}

/** The outcome of a request on its span: status, normalized error code, workspace. */
export function recordResponse(span: Span, status: number, errorCode?: string, workspaceId?: string): void {
  span.setAttribute("http.response.status_code", status);
  if (workspaceId) span.setAttribute("holdfast.workspace_id", workspaceId);
  if (errorCode) span.setAttribute("error.type", errorCode);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode ?? String(status) });
}

/** Error status with the error's class and our normalized code — never its message (it may quote user text). */
export function markFailed(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === "string" ? `${name}: ${code}` : name });
  span.setAttribute("error.type", typeof code === "string" ? code : name);
}

export { SpanKind, SpanStatusCode };
