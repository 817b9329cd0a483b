import { db } from "@/lib/db";
import { type RequestLogLine, setRequestLineSink } from "@/lib/log";
import { onShutdown } from "@/lib/platform/shutdown";

// Log lines tied to a request are kept in `log_lines` so the request lookup can show them next to what the
// request touched (SPEC §7). They are written in batches off the request path, already masked; a failed write
// loses lines, never a request. The retention job deletes them with the rest of the operational state.

const FLUSH_MS = 200;
/** Lines waiting beyond this many are dropped (counted on stderr): logging must not grow memory without bound. */
const MAX_PENDING = 10_000;

let pending: RequestLogLine[] = [];
let timer: NodeJS.Timeout | undefined;
let dropped = 0;

/** Starts keeping request log lines of this process (the web server; instrumentation.ts). */
export function keepRequestLogLines(): void {
  onShutdown("log-lines", flushRequestLogLines);
  setRequestLineSink((line) => {
    if (pending.length >= MAX_PENDING) {
      dropped++;
      return;
    }
    pending.push(line);
    if (timer === undefined) timer = setTimeout(() => void flushRequestLogLines(), FLUSH_MS);
  });
}

/** Writes the pending lines now (also called by the flush timer). */
export async function flushRequestLogLines(): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  const lines = pending;
  pending = [];
  if (lines.length === 0) return;
  try {
    await db().logLine.createMany({
      data: lines.map((line) => ({
        requestId: line.requestId,
        workspaceId: line.workspaceId,
        level: line.level,
        event: line.event,
        fields: line.fields as object,
        createdAt: line.at,
      })),
    });
  } catch (error) {
    // Not through log(): a line about failing to keep lines must not be kept.
    process.stderr.write(
      `${JSON.stringify({ level: "warn", event: "log_lines.write_failed", lines: lines.length, dropped, error: String(error) })}\n`,
    );
  }
}
