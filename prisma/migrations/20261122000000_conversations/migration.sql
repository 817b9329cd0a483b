-- CreateEnum
CREATE TYPE "GenerationStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'canceled', 'timed_out');
CREATE TYPE "BusyPolicy" AS ENUM ('enqueue', 'reject', 'interrupt');

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN "plan_monthly_tokens" BIGINT NOT NULL DEFAULT 2000000;

-- CreateTable
CREATE TABLE "conversations" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "created_by_id" UUID,
    "title" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "snapshot" JSONB NOT NULL DEFAULT '{}',
    "busy_policy" "BusyPolicy" NOT NULL DEFAULT 'enqueue',
    "last_seq" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "conversations_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "messages" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "author_id" UUID,
    "generation_id" UUID,
    "prompt_version_id" UUID,
    "model" TEXT,
    "provider_version" TEXT,
    "params" JSONB,
    "context_build_id" UUID,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "cost_micros" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "generations" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "user_message_id" UUID NOT NULL,
    "assistant_message_id" UUID,
    "requested_by_id" UUID,
    "status" "GenerationStatus" NOT NULL DEFAULT 'queued',
    "model" TEXT NOT NULL,
    "prompt_label" TEXT NOT NULL,
    "reserved_tokens" INTEGER NOT NULL,
    "degraded" TEXT,
    "error_type" TEXT,
    "error_code" TEXT,
    "error_message" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "request_id" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "last_chunk_seq" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "generations_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "generation_chunks" (
    "generation_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "generation_chunks_pkey" PRIMARY KEY ("generation_id", "seq")
);

CREATE TABLE "context_builds" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "generation_id" UUID,
    "prompt_version_id" UUID,
    "messages" JSONB NOT NULL,
    "snapshot" JSONB NOT NULL,
    "token_estimate" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "context_builds_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "prompt_versions" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "prompt_versions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "prompt_labels" (
    "workspace_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "prompt_labels_pkey" PRIMARY KEY ("workspace_id", "name", "label")
);

CREATE TABLE "usage_entries" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "user_id" UUID,
    "kind" TEXT NOT NULL,
    "model" TEXT,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "message_id" UUID,
    "generation_id" UUID,
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "usage_entries_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "quota_periods" (
    "workspace_id" UUID NOT NULL,
    "period_start" DATE NOT NULL,
    "token_limit" BIGINT NOT NULL,
    "used_tokens" BIGINT NOT NULL DEFAULT 0,
    "reserved_tokens" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "quota_periods_pkey" PRIMARY KEY ("workspace_id", "period_start")
);

CREATE TABLE "event_outbox" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "event_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "conversations_workspace_id_created_at_idx" ON "conversations"("workspace_id", "created_at");
CREATE INDEX "messages_workspace_id_created_at_idx" ON "messages"("workspace_id", "created_at");
CREATE UNIQUE INDEX "messages_conversation_id_seq_key" ON "messages"("conversation_id", "seq");
CREATE INDEX "generations_workspace_id_created_at_idx" ON "generations"("workspace_id", "created_at");
CREATE INDEX "generations_conversation_id_status_idx" ON "generations"("conversation_id", "status");
CREATE INDEX "context_builds_workspace_id_created_at_idx" ON "context_builds"("workspace_id", "created_at");
CREATE UNIQUE INDEX "prompt_versions_workspace_id_name_version_key" ON "prompt_versions"("workspace_id", "name", "version");
CREATE INDEX "usage_entries_workspace_id_created_at_idx" ON "usage_entries"("workspace_id", "created_at");
CREATE INDEX "event_outbox_sent_at_created_at_idx" ON "event_outbox"("sent_at", "created_at");
