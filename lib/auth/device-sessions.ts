import type { DbClient } from "@/lib/db";
import { serverEnv } from "@/lib/env";

// Rolling refresh moves last_seen_at forward at most this often: one conditional UPDATE, so concurrent
// requests of one device never race (nothing is rotated; the cookie only names this row).
const TOUCH_INTERVAL_MS = 60_000;

export type SessionUser = { sessionId: string; userId: string; email: string; name: string };

export async function createDeviceSession(
  db: DbClient,
  input: { userId: string; userAgent: string | null; ipAddress: string | null },
): Promise<string> {
  const lifetimeMs = serverEnv().HOLDFAST_SESSION_LIFETIME_DAYS * 24 * 3600_000;
  const session = await db.deviceSession.create({
    data: {
      userId: input.userId,
      deviceLabel: describeDevice(input.userAgent),
      ipAddress: input.ipAddress,
      absoluteExpiresAt: new Date(Date.now() + lifetimeMs),
    },
  });
  return session.id;
}

/** The signed-in user behind a session id, or null when it is revoked, idle too long, expired or deleted. */
export async function resolveDeviceSession(db: DbClient, sessionId: string): Promise<SessionUser | null> {
  const session = await db.deviceSession.findUnique({ where: { id: sessionId }, include: { user: true } });
  if (!session || !isActive(session) || session.user.deletedAt) return null;
  if (Date.now() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.deviceSession.updateMany({
      where: { id: sessionId, revokedAt: null, lastSeenAt: { lt: new Date(Date.now() - TOUCH_INTERVAL_MS) } },
      data: { lastSeenAt: new Date() },
    });
  }
  return { sessionId, userId: session.userId, email: session.user.email, name: session.user.name };
}

export function isActive(session: { revokedAt: Date | null; absoluteExpiresAt: Date; lastSeenAt: Date }): boolean {
  const idleMs = serverEnv().HOLDFAST_SESSION_IDLE_MINUTES * 60_000;
  const now = Date.now();
  return !session.revokedAt && session.absoluteExpiresAt.getTime() > now && now - session.lastSeenAt.getTime() < idleMs;
}

export function idleExpiresAt(session: { lastSeenAt: Date; absoluteExpiresAt: Date }): Date {
  const idle = session.lastSeenAt.getTime() + serverEnv().HOLDFAST_SESSION_IDLE_MINUTES * 60_000;
  return new Date(Math.min(idle, session.absoluteExpiresAt.getTime()));
}

/** Revokes the user's sessions (all, or all but `exceptId`); takes effect on each one's next request. */
export async function revokeSessions(
  db: DbClient,
  input: { userId: string; exceptId?: string; onlyId?: string; reason: string },
): Promise<number> {
  const { count } = await db.deviceSession.updateMany({
    where: {
      userId: input.userId,
      revokedAt: null,
      ...(input.onlyId ? { id: input.onlyId } : {}),
      ...(input.exceptId ? { id: { not: input.exceptId } } : {}),
    },
    data: { revokedAt: new Date(), revokedReason: input.reason },
  });
  return count;
}

function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Chrome\//.test(userAgent)
      ? "Chrome"
      : /Firefox\//.test(userAgent)
        ? "Firefox"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : userAgent.split(/[\s/]/)[0] || "Browser";
  const os = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Windows/.test(userAgent)
          ? "Windows"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  return os ? `${browser} on ${os}` : browser;
}
