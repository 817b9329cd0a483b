// `npm run holdfast -- runs [--status failed,running] [--function <id>] [--limit N] [--json]` — the engine's
// runs, newest first, read straight from the `engine` schema (the engine need not be running).
import pg from "pg";
import { listRuns, RUN_STATUSES, type RunStatus, type RunSummary } from "../../engine/store/read-runs.ts";

type Options = { statuses: RunStatus[]; functionId?: string; limit: number; json: boolean };

function parseArgs(argv: string[]): Options {
  const options: Options = { statuses: [], limit: 20, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? "";
    if (flag === "--json") options.json = true;
    else if (flag === "--status") {
      for (const status of value().split(",").filter(Boolean)) {
        if (!(RUN_STATUSES as readonly string[]).includes(status)) {
          throw new Error(`unknown status "${status}" (one of ${RUN_STATUSES.join(", ")})`);
        }
        options.statuses.push(status as RunStatus);
      }
    } else if (flag === "--limit") {
      const limit = Number(value());
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new Error("--limit must be an integer from 1 to 1000");
      options.limit = limit;
    } else if (flag === "--function") options.functionId = value();
    else throw new Error(`unknown option "${arg}" (use --status, --function, --limit, --json)`);
  }
  return options;
}

function formatTable(runs: RunSummary[]): string {
  const header = ["RUN", "FUNCTION", "STATUS", "EVENT", "CREATED", "DURATION", "STEPS", "CALLS"];
  const rows = runs.map((r) => [
    r.id,
    r.functionId,
    r.status,
    r.eventName ?? "",
    r.createdAt.replace("T", " ").slice(0, 19),
    r.durationMs === null ? "" : `${(r.durationMs / 1000).toFixed(2)}s`,
    String(r.steps),
    String(r.attempts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export default async function runs(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const exists = await pool.query("SELECT to_regclass('engine.runs') IS NOT NULL AS ok");
    if (!exists.rows[0]?.ok) {
      process.stdout.write(options.json ? "[]\n" : "no engine schema yet: start the engine once (npm run engine)\n");
      return;
    }
    const list = await listRuns(pool, {
      statuses: options.statuses,
      functionId: options.functionId,
      limit: options.limit,
    });
    if (options.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    else process.stdout.write(list.length === 0 ? "no runs\n" : `${formatTable(list)}\n`);
  } finally {
    await pool.end();
  }
}
