import { Inngest } from "inngest";
import { RequestContextMiddleware } from "./request-context-middleware";
import { cacheRequestInvariants, engineFetch } from "./transport";

// The one Inngest client. Always cloud mode (signed requests only), never dev mode. The SDK reads
// INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY and INNGEST_BASE_URL from the environment: on one machine they point at
// Holdfast's engine (http://127.0.0.1:8288); unset INNGEST_BASE_URL and use Inngest Cloud keys to run on Inngest
// Cloud, or point it at a self-hosted Inngest server (docs/engine.md).
// RequestContextMiddleware ties a call's log lines to the request behind its event, and opens a span per step
// when traces are exported (docs/observability.md). The transport (engineFetch, cached headers and bearer token)
// keeps the SDK's per-step API request cheap (./transport.ts).
export const inngest = cacheRequestInvariants(
  new Inngest({ id: "holdfast", isDev: false, fetch: engineFetch, middleware: [RequestContextMiddleware] }),
);
