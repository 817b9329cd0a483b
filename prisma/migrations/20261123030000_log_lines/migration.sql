-- CreateTable
CREATE TABLE "log_lines" (
    "id" UUID NOT NULL,
    "request_id" TEXT NOT NULL,
    "workspace_id" UUID,
    "level" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_lines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "context_builds_generation_id_idx" ON "context_builds"("generation_id");

-- CreateIndex
CREATE INDEX "log_lines_workspace_id_request_id_idx" ON "log_lines"("workspace_id", "request_id");

-- CreateIndex
CREATE INDEX "log_lines_workspace_id_created_at_idx" ON "log_lines"("workspace_id", "created_at");
