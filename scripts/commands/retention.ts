// `npm run holdfast -- retention [--dry-run] [--workspace SLUG]... [--json]` — runs the retention job now (what the
// hourly `enforce-retention` cron does): deletes each workspace's conversations and operational state past its
// retention setting. `--dry-run` counts what would be deleted and changes nothing.
import { parseArgs } from "node:util";
import { withDatabase } from "../platform";

export default async function retentionCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "dry-run": { type: "boolean" },
      workspace: { type: "string", multiple: true },
      json: { type: "boolean" },
    },
  });
  await withDatabase(async () => {
    const { db } = await import("@/lib/db");
    const { enforceRetention, totalOf } = await import("@/lib/retention/enforce");
    try {
      let workspaceIds: string[] | undefined;
      if (values.workspace?.length) {
        const found = await db().workspace.findMany({
          where: { slug: { in: values.workspace } },
          select: { id: true, slug: true },
        });
        const missing = values.workspace.filter((slug) => !found.some((w) => w.slug === slug));
        if (missing.length) {
          process.stderr.write(`retention: no workspace ${missing.join(", ")}\n`);
          process.exitCode = 2;
          return;
        }
        workspaceIds = found.map((w) => w.id);
      }
      const report = await enforceRetention(db(), { dryRun: !!values["dry-run"], workspaceIds });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const verb = report.dryRun ? "would delete" : "deleted";
      for (const w of report.workspaces) {
        const counts = Object.entries(w.deleted).filter(([, n]) => n > 0);
        if (counts.length === 0) continue;
        const list = counts.map(([table, n]) => `${table} ${n}`).join(", ");
        process.stdout.write(`${w.slug} (${w.retentionDays} days, before ${w.cutoff}): ${verb} ${list}\n`);
      }
      const changed = report.workspaces.filter((w) => totalOf(w.deleted) > 0).length;
      const global = report.global ? Object.entries(report.global).filter(([, n]) => n > 0) : [];
      if (global.length)
        process.stdout.write(`no workspace: ${verb} ${global.map(([t, n]) => `${t} ${n}`).join(", ")}\n`);
      process.stdout.write(
        `${report.workspaces.length} workspaces checked, ${changed} with rows past retention${report.dryRun ? " (dry run: nothing deleted)" : ""}\n`,
      );
    } finally {
      await db().$disconnect();
    }
  });
}
