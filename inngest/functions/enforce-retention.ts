// enforce-retention — every hour, deletes each workspace's conversations and operational state past its
// retention setting, a page of workspaces per step (the audit log and the usage ledger are kept; docs/retention.md)
import { db } from "@/lib/db";
import { enforceGlobalRetention, enforceWorkspacePage, totalOf } from "@/lib/retention/enforce";
import { inngest } from "../client";

export const enforceRetentionFunction = inngest.createFunction(
  { id: "enforce-retention", triggers: [{ cron: "17 * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => {
    const now = new Date(await step.run("start", () => new Date().toISOString()));
    let after: string | null = null;
    let workspaces = 0;
    let deleted = 0;
    for (let page = 0; page === 0 || after; page++) {
      const result = await step.run(`workspaces-${page}`, async () => {
        const done = await enforceWorkspacePage(db(), { now, after: after ?? undefined });
        return {
          next: done.next,
          workspaces: done.workspaces.length,
          deleted: done.workspaces.reduce((sum, w) => sum + totalOf(w.deleted), 0),
        };
      });
      after = result.next;
      workspaces += result.workspaces;
      deleted += result.deleted;
    }
    const global = await step.run("global", () => enforceGlobalRetention(db(), { now }));
    return { workspaces, deleted, global };
  },
);
