// Next.js calls register() once per server process at start: traces of the web process (docs/observability.md),
// and the log lines tied to a request kept for the request lookup (lib/logs/store.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTracing } = await import("@/lib/telemetry/setup");
  startTracing("holdfast-web");
  const { keepRequestLogLines } = await import("@/lib/logs/store");
  keepRequestLogLines();
}
