-- CreateEnum
CREATE TYPE "AgentRunStatus" AS ENUM ('queued', 'running', 'waiting_approval', 'succeeded', 'failed', 'canceled', 'timed_out');

-- CreateEnum
CREATE TYPE "AgentApprovalStatus" AS ENUM ('pending', 'approved', 'rejected', 'expired');

-- CreateTable
CREATE TABLE "agent_runs" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "agent" TEXT NOT NULL,
    "goal" TEXT NOT NULL,
    "constraints" JSONB NOT NULL,
    "budget" JSONB NOT NULL,
    "state" JSONB NOT NULL,
    "status" "AgentRunStatus" NOT NULL DEFAULT 'queued',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "steps_used" INTEGER NOT NULL DEFAULT 0,
    "llm_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "reserved_tokens" INTEGER NOT NULL DEFAULT 0,
    "reserved_cost_micros" BIGINT NOT NULL DEFAULT 0,
    "model" TEXT NOT NULL,
    "prompt_version" TEXT NOT NULL,
    "temperature" DOUBLE PRECISION NOT NULL,
    "seed" INTEGER NOT NULL,
    "offline_plan" TEXT,
    "result" TEXT,
    "error_type" TEXT,
    "error_code" TEXT,
    "error_message" TEXT,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "requested_by_id" UUID,
    "request_id" TEXT,
    "rerun_of" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "last_event_seq" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_steps" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "reasoning_summary" TEXT,
    "tools_considered" JSONB NOT NULL DEFAULT '[]',
    "tool_chosen" TEXT,
    "tool_call_id" TEXT,
    "params" JSONB,
    "result" JSONB,
    "artifact_ref" TEXT,
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "model" TEXT,
    "prompt_version" TEXT,
    "seed" INTEGER,
    "temperature" DOUBLE PRECISION,
    "status" TEXT NOT NULL,
    "error" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_state_patches" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "step_number" INTEGER NOT NULL,
    "ops" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_state_patches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_approvals" (
    "id" UUID NOT NULL,
    "workspace_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "step_number" INTEGER NOT NULL,
    "tool" TEXT NOT NULL,
    "risk" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "AgentApprovalStatus" NOT NULL DEFAULT 'pending',
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "note" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_run_events" (
    "run_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agent_run_events_pkey" PRIMARY KEY ("run_id","seq")
);

-- CreateIndex
CREATE INDEX "agent_runs_workspace_id_created_at_idx" ON "agent_runs"("workspace_id", "created_at");
CREATE INDEX "agent_runs_workspace_id_status_idx" ON "agent_runs"("workspace_id", "status");
CREATE UNIQUE INDEX "agent_steps_run_id_number_key" ON "agent_steps"("run_id", "number");
CREATE INDEX "agent_steps_workspace_id_created_at_idx" ON "agent_steps"("workspace_id", "created_at");
CREATE INDEX "agent_state_patches_run_id_step_number_idx" ON "agent_state_patches"("run_id", "step_number");
CREATE UNIQUE INDEX "agent_approvals_run_id_step_number_key" ON "agent_approvals"("run_id", "step_number");
CREATE INDEX "agent_approvals_workspace_id_run_id_idx" ON "agent_approvals"("workspace_id", "run_id");
