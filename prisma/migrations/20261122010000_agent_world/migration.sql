-- CreateEnum
CREATE TYPE "SideEffectStatus" AS ENUM ('pending', 'performed', 'failed', 'in_doubt', 'dry_run');

-- CreateTable
CREATE TABLE "side_effects" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "tool" TEXT NOT NULL,
    "risk" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "SideEffectStatus" NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_owner" UUID,
    "lease_expires_at" TIMESTAMPTZ(3),
    "performed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "side_effects_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "outbox_emails" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "run_id" UUID,
    "side_effect_id" UUID,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outbox_emails_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "records" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "records_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sim_servers" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "hostname" TEXT NOT NULL,
    "disk_bytes" BIGINT NOT NULL,
    "used_bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sim_servers_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "sim_log_files" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "modified_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "sim_log_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "side_effects_workspace_id_run_id_created_at_idx" ON "side_effects"("workspace_id", "run_id", "created_at");
CREATE UNIQUE INDEX "side_effects_workspace_id_key_key" ON "side_effects"("workspace_id", "key");
CREATE UNIQUE INDEX "outbox_emails_side_effect_id_key" ON "outbox_emails"("side_effect_id");
CREATE INDEX "outbox_emails_workspace_id_sent_at_idx" ON "outbox_emails"("workspace_id", "sent_at");
CREATE UNIQUE INDEX "records_workspace_id_kind_external_id_key" ON "records"("workspace_id", "kind", "external_id");
CREATE UNIQUE INDEX "sim_servers_workspace_id_hostname_key" ON "sim_servers"("workspace_id", "hostname");
CREATE INDEX "sim_log_files_workspace_id_idx" ON "sim_log_files"("workspace_id");
CREATE UNIQUE INDEX "sim_log_files_server_id_path_key" ON "sim_log_files"("server_id", "path");
