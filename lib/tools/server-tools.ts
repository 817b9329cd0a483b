import "server-only";
import { z } from "zod";
import { checkDiskUsage, cleanLogFiles, listLogFiles, previewCleanLogFiles } from "@/lib/world/sim-server";
import { defineTool } from "./types";

const hostname = z.string().trim().min(1).max(100).optional().describe("Server host name (default: the only one)");

export function createServerTools({ workspaceId }: { workspaceId: string }) {
  const checkDisk = defineTool({
    name: "check_disk",
    description: "Check the disk usage of the server: size, used and free bytes, used percent.",
    risk: "read",
    inputSchema: z.object({ server: hostname }),
    timeoutMs: 5_000,
    rateLimit: { limit: 600, windowSeconds: 60 },
    execute: (ctx, input) => checkDiskUsage(ctx.db, { workspaceId, hostname: input.server }),
  });

  const listLogs = defineTool({
    name: "list_logs",
    description: "List the log files on the server with their sizes and ages in days.",
    risk: "read",
    inputSchema: z.object({ server: hostname, olderThanDays: z.number().int().min(0).max(3650).optional() }),
    timeoutMs: 5_000,
    rateLimit: { limit: 600, windowSeconds: 60 },
    execute: (ctx, input) =>
      listLogFiles(ctx.db, { workspaceId, hostname: input.server, olderThanDays: input.olderThanDays }),
  });

  const cleanLogs = defineTool({
    name: "clean_logs",
    description: "Clean old logs: delete rotated log files older than N days (default 7) to free disk space.",
    risk: "write_local",
    inputSchema: z.object({ server: hostname, olderThanDays: z.number().int().min(1).max(3650).default(7) }),
    timeoutMs: 10_000,
    rateLimit: { limit: 60, windowSeconds: 60 },
    execute: (ctx, input) =>
      cleanLogFiles(ctx.db, { workspaceId, hostname: input.server, olderThanDays: input.olderThanDays }),
    simulate: (ctx, input) =>
      previewCleanLogFiles(ctx.db, { workspaceId, hostname: input.server, olderThanDays: input.olderThanDays }),
  });

  return { check_disk: checkDisk, list_logs: listLogs, clean_logs: cleanLogs };
}
