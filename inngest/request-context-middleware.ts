import { context, propagation, ROOT_CONTEXT } from "@opentelemetry/api";
import { Middleware } from "inngest";
import { withLogContext } from "@/lib/log";
import { tracingEnabled, withRequestId, withSpan } from "@/lib/telemetry/tracing";

// The request a function call works for, on the function side. Every call names its event, whose data carries the
// request id and workspace of the action that sent it: lines logged in the call name them (the request lookup
// shows them), and when traces are exported the call continues the engine's `traceparent` (its `engine.run`
// span) with each `step.run` attempt as a child span under which model calls nest. Our own middleware rather
// than the SDK's `extendedTracesMiddleware`: that one needs the global provider and exports to Inngest's own trace
// endpoint, which Holdfast's engine does not serve (docs/observability.md).

type EventData = { requestId?: unknown; workspaceId?: unknown };
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export class RequestContextMiddleware extends Middleware.BaseMiddleware {
  readonly id = "holdfast:request-context";

  override async wrapRequest({ requestInfo, next }: Middleware.WrapRequestArgs): Promise<Middleware.Response> {
    const data = ((await requestInfo.body()) as { event?: { data?: EventData } } | null)?.event?.data;
    const requestId = text(data?.requestId);
    const call = () => withLogContext({ requestId, workspaceId: text(data?.workspaceId) }, next);
    if (!tracingEnabled()) return call();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(requestInfo.headers)) headers[name.toLowerCase()] = value;
    // The SDK forwards only `traceparent`/`tracestate` to middleware; the request id comes from the event.
    return context.with(withRequestId(propagation.extract(ROOT_CONTEXT, headers), requestId), call);
  }

  override async wrapStepHandler({ ctx, fn, stepInfo, next }: Middleware.WrapStepHandlerArgs): Promise<unknown> {
    const attributes = {
      // As the engine names it (app id prefix), so both sides of a call agree.
      "inngest.function.id": fn.id(this.client.id),
      "inngest.run.id": ctx.runId,
      "inngest.step.id": stepInfo.options.id,
      "inngest.step.type": String(stepInfo.stepType),
      "holdfast.attempt": ctx.attempt,
    };
    return withSpan(`step ${stepInfo.options.id}`, { attributes }, () => next());
  }
}
