// The audit log: append-only in the database itself, and one row per admin-level change, carrying the id of
// the request that made it.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import {
  createPersona,
  createSignedInPersona,
  idempotencyKey,
  json,
  type SignedInPersona,
  uniqueEmail,
  uniqueSlug,
} from "../helpers/fixtures";

let slug: string;
let workspaceId: string;
let admin: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("audit");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
});

const requestId = (what: string) => `audit-${what}-${randomBytes(6).toString("hex")}`;

test("the database refuses UPDATE, DELETE and TRUNCATE of audit rows, even from the application's own connection", async () => {
  const [row] = await db().auditLog.findMany({ where: { workspaceId }, take: 1 });
  const id =
    row?.id ?? (await db().auditLog.create({ data: { action: "test.probe", targetType: "test", workspaceId } })).id;
  await expect(db().$executeRaw`UPDATE audit_logs SET action = 'rewritten' WHERE id = ${id}::uuid`).rejects.toThrow(
    /append-only/,
  );
  await expect(db().$executeRaw`DELETE FROM audit_logs WHERE id = ${id}::uuid`).rejects.toThrow(/append-only/);
  await expect(db().auditLog.deleteMany({ where: { workspaceId } })).rejects.toThrow(/append-only/);
  await expect(db().$executeRaw`TRUNCATE audit_logs`).rejects.toThrow(/append-only/);
  expect(await db().auditLog.findUnique({ where: { id } })).not.toBeNull();
});

test("each admin change writes one audit row with its request id, actor and target", async () => {
  const target = await createPersona({ workspace: slug, roles: ["member"] });
  const memberPath = `/api/v1/workspaces/${slug}/members/${target.userId}`;

  const invited = requestId("invite");
  const invitation = await json(
    await admin.api(`/api/v1/workspaces/${slug}/invitations`, {
      method: "POST",
      headers: { "x-request-id": invited, "idempotency-key": idempotencyKey() },
      body: JSON.stringify({ email: uniqueEmail("audited"), roles: ["member"] }),
    }),
  );

  const revokedInvitation = requestId("uninvite");
  expect(
    (
      await admin.api(`/api/v1/workspaces/${slug}/invitations/${invitation.invitation.id}`, {
        method: "DELETE",
        headers: { "x-request-id": revokedInvitation },
      })
    ).status,
  ).toBe(204);

  const tokenCreated = requestId("token");
  const token = await json(
    await admin.api(`/api/v1/workspaces/${slug}/tokens`, {
      method: "POST",
      headers: { "x-request-id": tokenCreated },
      body: JSON.stringify({ name: "audited", roles: ["member"] }),
    }),
  );

  const tokenRevoked = requestId("untoken");
  expect(
    (
      await admin.api(`/api/v1/workspaces/${slug}/tokens/${token.id}`, {
        method: "DELETE",
        headers: { "x-request-id": tokenRevoked },
      })
    ).status,
  ).toBe(204);

  const roleChanged = requestId("role");
  const etag = (await admin.api(memberPath)).headers.get("etag") as string;
  const patched = await admin.api(memberPath, {
    method: "PATCH",
    headers: { "x-request-id": roleChanged, "if-match": etag },
    body: JSON.stringify({ roles: ["billing_owner"] }),
  });
  expect(patched.status).toBe(200);

  const removed = requestId("remove");
  expect(
    (
      await admin.api(memberPath, {
        method: "DELETE",
        headers: { "x-request-id": removed, "if-match": patched.headers.get("etag") as string },
      })
    ).status,
  ).toBe(204);

  const expected: [string, string, string][] = [
    [invited, "invitation.created", invitation.invitation.id],
    [revokedInvitation, "invitation.revoked", invitation.invitation.id],
    [tokenCreated, "api_token.created", token.id],
    [tokenRevoked, "api_token.revoked", token.id],
    [roleChanged, "member.roles_changed", target.userId],
    [removed, "member.removed", target.userId],
  ];
  for (const [id, action, targetId] of expected) {
    const rows = await db().auditLog.findMany({ where: { requestId: id } });
    expect(rows, action).toHaveLength(1);
    expect(rows[0], action).toMatchObject({ action, targetId, workspaceId, actorUserId: admin.userId });
  }

  // The same entries through the API, newest first.
  const listed = await json(await admin.api(`/api/v1/workspaces/${slug}/audit?limit=100`));
  const byRequest = new Map(listed.data.map((e: { request_id: string; action: string }) => [e.request_id, e.action]));
  for (const [id, action] of expected) expect(byRequest.get(id), action).toBe(action);
  const times = listed.data.map((e: { created_at: string }) => e.created_at);
  expect(times).toEqual([...times].sort().reverse());
});

test("a refused change writes no audit row", async () => {
  const target = await createPersona({ workspace: slug, roles: ["member"] });
  const memberPath = `/api/v1/workspaces/${slug}/members/${target.userId}`;
  const stale = requestId("stale");
  const response = await admin.api(memberPath, {
    method: "PATCH",
    headers: { "x-request-id": stale, "if-match": '"999"' },
    body: JSON.stringify({ roles: ["admin"] }),
  });
  expect(response.status).toBe(412);
  const member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  const forbidden = requestId("forbidden");
  expect(
    (
      await member.api(`/api/v1/workspaces/${slug}/tokens`, {
        method: "POST",
        headers: { "x-request-id": forbidden },
        body: JSON.stringify({ name: "nope" }),
      })
    ).status,
  ).toBe(403);
  expect(await db().auditLog.count({ where: { requestId: { in: [stale, forbidden] } } })).toBe(0);
});
