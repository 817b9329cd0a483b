// GET /api/v1/workspaces/{ws}/server — the in-app world's simulated server: disk usage and log files (read-only)
import { withWorkspace } from "@/lib/http/route";
import { checkDiskUsage, listLogFiles } from "@/lib/world/sim-server";

export const GET = withWorkspace(
  async ({ db, workspace }) => {
    const disk = await checkDiskUsage(db, { workspaceId: workspace.id });
    const { files, totalBytes } = await listLogFiles(db, { workspaceId: workspace.id });
    return {
      status: 200,
      body: {
        server: {
          hostname: disk.hostname,
          disk_bytes: disk.diskBytes,
          used_bytes: disk.usedBytes,
          free_bytes: disk.freeBytes,
          used_percent: disk.usedPercent,
          log_bytes: totalBytes,
          logs: files.map((file) => ({
            path: file.path,
            size_bytes: file.sizeBytes,
            age_days: file.ageDays,
            rotated: file.rotated,
          })),
        },
      },
    };
  },
  { permission: "runs.read" },
);
