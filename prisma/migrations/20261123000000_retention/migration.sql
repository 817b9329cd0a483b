-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN "retention_days" INTEGER NOT NULL DEFAULT 90;
