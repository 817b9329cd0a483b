import { contextFrom, SpanKind, SpanStatusCode, tracingEnabled, withSpan } from "../../lib/telemetry/tracing.ts";
import type { CallOutcome, CallRequest } from "./call-function.ts";
import type { LeasedItem } from "./run-state.ts";

/**
 * One call of a run to the SDK as an `engine.run` span, continuing the trace of the request that sent the
 * run's event (`traceparent` and `requestId` in the event data). The call carries the span to the SDK in
 * `traceparent`/`baggage` headers, where the steps it executes become its children.
 */
export async function tracedCall(
  item: LeasedItem,
  request: CallRequest,
  send: () => Promise<CallOutcome>,
): Promise<CallOutcome> {
  if (!tracingEnabled()) return send();
  const attributes = {
    "inngest.function.id": item.function_id,
    "inngest.run.id": item.run_id,
    "inngest.step.id": item.step_id,
    "holdfast.attempt": item.attempt,
  };
  const parent = contextFrom(eventData(request.event));
  return withSpan("engine.run", { kind: SpanKind.CLIENT, attributes, parent }, async (span) => {
    const outcome = await send();
    span.setAttribute("holdfast.engine.outcome", outcome.kind);
    if (outcome.kind === "ops") span.setAttribute("holdfast.engine.ops", outcome.ops.length);
    if (outcome.kind === "error") {
      if (outcome.status) span.setAttribute("http.response.status_code", outcome.status);
      span.setAttribute("error.type", outcome.unreachable ? "unreachable" : outcome.retriable ? "retriable" : "final");
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: outcome.status ? `HTTP ${outcome.status}` : "unreachable",
      });
    }
    return outcome;
  });
}

function eventData(event: string): Record<string, unknown> {
  try {
    const data = (JSON.parse(event) as { data?: unknown }).data;
    return data && typeof data === "object" ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
