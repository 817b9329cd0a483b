import { AsyncLocalStorage } from "node:async_hooks";
import { type Context, type ContextManager, context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type IdGenerator,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { installTelemetry, REQUEST_ID_ATTRIBUTE, REQUEST_ID_BAGGAGE, type TelemetryState } from "./tracing";

// Installs the OpenTelemetry SDK for one process: `holdfast-web` (instrumentation.ts) or `holdfast-engine`
// (engine/main.ts). Nothing but OpenTelemetry and ./tracing is imported: the engine, which imports nothing else
// from the app, loads this file too.
//
// The provider is Holdfast's own, not registered as the global one: with a global provider, Next.js and the
// Inngest SDK would add their own spans (page renders, `inngest.execution`) in traces of their own, without a
// request id. The context manager and the W3C propagators are global (they carry no spans of their own).

/** Async context for the OpenTelemetry API on AsyncLocalStorage (what @opentelemetry/context-async-hooks does). */
class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (self: unknown, args: unknown[]) => this.with(ctx, () => target.apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** Random ids, except the trace id a request span asks for (`traceIdForRequest`). */
class ChosenTraceIds implements IdGenerator {
  next: string | undefined;
  readonly #random = new RandomIdGenerator();
  generateTraceId(): string {
    const chosen = this.next;
    this.next = undefined;
    return chosen ?? this.#random.generateTraceId();
  }
  generateSpanId(): string {
    return this.#random.generateSpanId();
  }
}

/** Copies the request id from the parent context's baggage onto every span, whoever starts it. */
const stampRequestId: SpanProcessor = {
  onStart(span, parentContext) {
    const requestId = propagation.getBaggage(parentContext)?.getEntry(REQUEST_ID_BAGGAGE)?.value;
    if (requestId) span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
  },
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export type TracesExport = "console" | "otlp" | "off";

/** `HOLDFAST_TRACES`, else OTLP when an `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT` is set, else off. */
export function tracesExport(env: NodeJS.ProcessEnv = process.env): TracesExport {
  const chosen = env.HOLDFAST_TRACES?.trim();
  if (chosen === "console" || chosen === "otlp" || chosen === "off") return chosen;
  if (chosen) throw new Error(`HOLDFAST_TRACES must be console, otlp or off (got "${chosen}")`);
  return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? "otlp" : "off";
}

/**
 * Starts exporting this process's spans as `serviceName`, per `HOLDFAST_TRACES` and the standard
 * `OTEL_EXPORTER_OTLP_*` variables (`tracesExport`). Returns nothing when traces are off. Idempotent.
 */
export function startTracing(serviceName: string): TelemetryState | undefined {
  const mode = tracesExport();
  if (mode === "off") return undefined;
  const key = Symbol.for("holdfast.telemetry.started");
  const holder = globalThis as { [key]?: TelemetryState };
  if (holder[key]) return holder[key];

  const ids = new ChosenTraceIds();
  // The OTLP exporter reads the endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables itself;
  // the batch processor reads OTEL_BSP_* (e.g. OTEL_BSP_SCHEDULE_DELAY).
  const exporting =
    mode === "otlp"
      ? new BatchSpanProcessor(new OTLPTraceExporter())
      : new SimpleSpanProcessor(new ConsoleSpanExporter());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    idGenerator: ids,
    spanProcessors: [stampRequestId, exporting],
  });
  context.setGlobalContextManager(new AsyncLocalContextManager());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const tracer = provider.getTracer("holdfast");
  const state: TelemetryState = {
    startSpan: (name, options, parent, traceId) => {
      ids.next = traceId;
      try {
        return tracer.startSpan(name, options, parent);
      } finally {
        ids.next = undefined;
      }
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  holder[key] = state;
  installTelemetry(state);
  return state;
}
