// Members' sessions (SPEC §7): an admin sees a member's signed-in devices and signs one out; the revocation
// takes effect on that device's next request, is audited, and stops at the workspace boundary.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import {
  cookieFetch,
  createSignedInPersona,
  json,
  type SignedInPersona,
  signIn,
  uniqueSlug,
} from "../helpers/fixtures";

let slug: string;
let otherSlug: string;
let admin: SignedInPersona;
let member: SignedInPersona;
let otherAdmin: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("msess");
  otherSlug = uniqueSlug("msess-other");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  otherAdmin = await createSignedInPersona({ workspace: otherSlug, roles: ["admin"] });
});

const sessionsPath = (ws: string, userId: string) => `/api/v1/workspaces/${ws}/members/${userId}/sessions`;
type SessionRow = { id: string; device_label: string; current: boolean };

test("an admin lists a member's sessions and revokes one: that device is signed out on its next request", async () => {
  const secondCookie = await signIn(member.email);
  const second = cookieFetch(secondCookie);
  const listed = await admin.api(sessionsPath(slug, member.userId));
  expect(listed.status).toBe(200);
  const sessions: SessionRow[] = (await json(listed)).data;
  expect(sessions).toHaveLength(2);
  expect(sessions.every((s) => !s.current)).toBe(true);

  const live = await db().deviceSession.findMany({ where: { userId: member.userId }, orderBy: { createdAt: "asc" } });
  const first = live[0]?.id as string;
  expect(sessions.map((s) => s.id).sort()).toEqual(live.map((s) => s.id).sort());
  expect((await member.api(`/api/v1/workspaces/${slug}`)).status).toBe(200);

  const requestId = `msess-${randomBytes(6).toString("hex")}`;
  const revoked = await admin.api(`${sessionsPath(slug, member.userId)}/${first}`, {
    method: "DELETE",
    headers: { "x-request-id": requestId },
  });
  expect(revoked.status).toBe(204);

  // The revoked device: 401 at once, on the API and on a page; the other device keeps working.
  expect((await member.api(`/api/v1/workspaces/${slug}`)).status).toBe(401);
  expect((await second(`/api/v1/workspaces/${slug}`)).status).toBe(200);
  expect((await json(await admin.api(sessionsPath(slug, member.userId)))).data.map((s: SessionRow) => s.id)).toEqual([
    live[1]?.id,
  ]);

  const audit = await db().auditLog.findMany({ where: { requestId } });
  expect(audit).toMatchObject([
    {
      action: "member.session_revoked",
      targetType: "device_session",
      targetId: first,
      actorUserId: admin.userId,
      data: { user_id: member.userId },
    },
  ]);
  // Listed in the audit API too, filtered by action.
  const page = await json(await admin.api(`/api/v1/workspaces/${slug}/audit?action=member.session_revoked`));
  expect(page.data.map((row: { request_id: string }) => row.request_id)).toEqual([requestId]);

  // Revoking it again, or an id that is not one of theirs, is 404.
  expect((await admin.api(`${sessionsPath(slug, member.userId)}/${first}`, { method: "DELETE" })).status).toBe(404);
  const adminSession = (await db().deviceSession.findFirstOrThrow({ where: { userId: admin.userId } })).id;
  expect((await admin.api(`${sessionsPath(slug, member.userId)}/${adminSession}`, { method: "DELETE" })).status).toBe(
    404,
  );
  expect((await admin.api(`${sessionsPath(slug, member.userId)}/not-a-uuid`, { method: "DELETE" })).status).toBe(404);
});

test("a member (and a billing owner) may not see or revoke anyone's sessions: 403", async () => {
  const billing = await createSignedInPersona({ workspace: slug, roles: ["billing_owner"] });
  const target = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  const session = (await db().deviceSession.findFirstOrThrow({ where: { userId: target.userId } })).id;
  for (const caller of [target, billing]) {
    const list = await caller.api(sessionsPath(slug, target.userId));
    expect(list.status).toBe(403);
    expect((await json(list)).error.type).toBe("forbidden");
    expect((await caller.api(`${sessionsPath(slug, target.userId)}/${session}`, { method: "DELETE" })).status).toBe(
      403,
    );
  }
  expect((await target.api(`/api/v1/workspaces/${slug}`)).status).toBe(200);
});

test("a user of another workspace is 404 for that workspace's admin, and their session survives", async () => {
  const outsider = await createSignedInPersona({ workspace: otherSlug, roles: ["member"] });
  const session = (await db().deviceSession.findFirstOrThrow({ where: { userId: outsider.userId } })).id;
  // Workspace A's admin, naming workspace B's member in A: not a member here.
  const listed = await admin.api(sessionsPath(slug, outsider.userId));
  expect(listed.status).toBe(404);
  expect((await json(listed)).error.type).toBe("not_found");
  expect((await admin.api(`${sessionsPath(slug, outsider.userId)}/${session}`, { method: "DELETE" })).status).toBe(404);
  // Workspace A's admin, naming workspace B itself: not their workspace.
  expect((await admin.api(`${sessionsPath(otherSlug, outsider.userId)}/${session}`, { method: "DELETE" })).status).toBe(
    404,
  );
  // Workspace B's admin may not reach A's member either.
  const aSession = (await db().deviceSession.findFirstOrThrow({ where: { userId: admin.userId } })).id;
  expect(
    (await otherAdmin.api(`${sessionsPath(otherSlug, admin.userId)}/${aSession}`, { method: "DELETE" })).status,
  ).toBe(404);
  expect((await outsider.api(`/api/v1/workspaces/${otherSlug}`)).status).toBe(200);
  expect((await admin.api(`/api/v1/workspaces/${slug}`)).status).toBe(200);
});
