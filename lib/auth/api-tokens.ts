import { createHash, randomBytes } from "node:crypto";
import type { DbClient, Role } from "@/lib/db";

const PREFIX = "hf_";

export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** A new token secret; only its SHA-256 is stored, the secret is shown once. */
export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashSecret(token), prefix: token.slice(0, 7) };
}

export type TokenPrincipal = { tokenId: string; workspaceId: string; roles: Role[]; createdById: string | null };

export async function findActiveToken(db: DbClient, token: string): Promise<TokenPrincipal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashSecret(token) } });
  if (!row || row.revokedAt) return null;
  // last_used_at is informational: refresh it at most once a minute to keep reads cheap.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    // Conditional, so that concurrent requests do not all queue on the row to write the same minute.
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(Date.now() - 60_000) } }] },
      data: { lastUsedAt: new Date() },
    });
  }
  return { tokenId: row.id, workspaceId: row.workspaceId, roles: row.roles, createdById: row.createdById };
}
