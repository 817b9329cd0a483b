// Next.js calls register() once per server process at start: traces of the web process (docs/observability.md),
// and the log lines tied to a request kept for the request lookup (lib/logs/store.ts); both are flushed when the
// server stops (scripts/web-server.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { onShutdown } = await import("@/lib/platform/shutdown");
  const { startTracing } = await import("@/lib/telemetry/setup");
  const tracing = startTracing("holdfast-web");
  if (tracing) onShutdown("traces", tracing.shutdown);
  const { keepRequestLogLines } = await import("@/lib/logs/store");
  keepRequestLogLines();
}
