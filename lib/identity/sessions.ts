import { idleExpiresAt, isActive } from "@/lib/auth/device-sessions";
import type { DbClient } from "@/lib/db";

export type SessionView = {
  id: string;
  device_label: string;
  ip_address: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  current: boolean;
};

/** The caller's live device sessions, newest first; the one making the request is marked `current`. */
export async function listActiveSessions(
  db: DbClient,
  input: { userId: string; currentSessionId: string },
): Promise<SessionView[]> {
  const rows = await db.deviceSession.findMany({
    where: { userId: input.userId, revokedAt: null, absoluteExpiresAt: { gt: new Date() } },
    orderBy: { lastSeenAt: "desc" },
    take: 100,
  });
  return rows.filter(isActive).map((row) => ({
    id: row.id,
    device_label: row.deviceLabel,
    ip_address: row.ipAddress,
    created_at: row.createdAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
    expires_at: idleExpiresAt(row).toISOString(),
    current: row.id === input.currentSessionId,
  }));
}
