import { recordAudit } from "@/lib/audit/record-audit";
import { generateApiToken } from "@/lib/auth/api-tokens";
import type { DbClient, Role } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { isUuid } from "./members";

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  created_at: string;
  last_used_at: string | null;
};

export async function createApiToken(
  db: DbClient,
  input: { workspaceId: string; name: string; roles: Role[]; actor: Actor | null; requestId: string | null },
): Promise<{ token: string; id: string; api_token: ApiTokenView }> {
  const secret = generateApiToken();
  const row = await db.apiToken.create({
    data: {
      workspaceId: input.workspaceId,
      name: input.name,
      roles: input.roles,
      tokenHash: secret.tokenHash,
      prefix: secret.prefix,
      createdById: input.actor?.userId ?? null,
    },
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "api_token.created",
    targetType: "api_token",
    targetId: row.id,
    requestId: input.requestId,
    data: { name: input.name, roles: input.roles },
  });
  return { token: secret.token, id: row.id, api_token: present(row) };
}

export async function listApiTokens(db: DbClient, workspaceId: string): Promise<ApiTokenView[]> {
  const rows = await db.apiToken.findMany({
    where: { workspaceId, revokedAt: null },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return rows.map(present);
}

export async function revokeApiToken(
  db: DbClient,
  input: { workspaceId: string; tokenId: string; actor: Actor; requestId: string },
): Promise<void> {
  const { count } = isUuid(input.tokenId)
    ? await db.apiToken.updateMany({
        where: { id: input.tokenId, workspaceId: input.workspaceId, revokedAt: null },
        data: { revokedAt: new Date() },
      })
    : { count: 0 };
  if (count === 0) throw notFound("api_token");
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "api_token.revoked",
    targetType: "api_token",
    targetId: input.tokenId,
    requestId: input.requestId,
  });
}

function present(row: {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  createdAt: Date;
  lastUsedAt: Date | null;
}): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    roles: row.roles,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
  };
}
