-- DropIndex
DROP INDEX "usage_entries_report_idx";

-- AlterTable
ALTER TABLE "usage_entries" ADD COLUMN "agent" TEXT;

-- The agent of the runs already billed (runs the retention job deleted before this stay unknown).
UPDATE "usage_entries" u SET "agent" = r."agent" FROM "agent_runs" r WHERE r."id" = u."run_id";

-- CreateIndex
CREATE INDEX "usage_entries_report_idx" ON "usage_entries"("workspace_id", "created_at", "user_id", "agent", "input_tokens", "output_tokens", "cost_micros");
