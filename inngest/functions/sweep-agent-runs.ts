// sweep-agent-runs — every minute, ends `timed_out` the active agent runs past their deadline that no step is
// left to notice (e.g. an engine run lost before `start`)
import { sweepOverdueRuns } from "@/lib/agents/runs";
import { db } from "@/lib/db";
import { inngest } from "../client";

export const sweepAgentRuns = inngest.createFunction(
  { id: "sweep-agent-runs", triggers: [{ cron: "* * * * *" }], concurrency: { limit: 1 } },
  async ({ step }) => step.run("sweep", async () => ({ swept: await sweepOverdueRuns(db()) })),
);
