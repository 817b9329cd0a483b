// ETag / If-Match on members (API.md "Optimistic concurrency"): 428 without If-Match, 412 with the current
// object when stale, and concurrent writers based on one version → exactly one wins.
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import { createPersona, createSignedInPersona, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

let slug: string;
let admin: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("etag");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
});

const memberPath = (userId: string, ws = slug) => `/api/v1/workspaces/${ws}/members/${userId}`;
const patchRoles = (caller: SignedInPersona["api"], path: string, roles: string[], ifMatch?: string) =>
  caller(path, {
    method: "PATCH",
    headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
    body: JSON.stringify({ roles }),
  });
const rolesOf = async (userId: string, ws = slug) =>
  (await db().membership.findFirstOrThrow({ where: { userId, workspace: { slug: ws } } })).roles;

test("GET of a member returns its ETag, matching the version in the body", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const response = await admin.api(memberPath(member.userId));
  expect(response.status).toBe(200);
  const body = await json(response);
  expect(body.member).toMatchObject({ user_id: member.userId, email: member.email, roles: ["member"] });
  expect(response.headers.get("etag")).toBe(`"${body.member.version}"`);
});

test("PATCH with the current If-Match succeeds and moves the ETag; a stale one is 412 with the current object", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const path = memberPath(member.userId);
  const etag = (await admin.api(path)).headers.get("etag") as string;

  const updated = await patchRoles(admin.api, path, ["billing_owner"], etag);
  expect(updated.status).toBe(200);
  const current = (await json(updated)).member;
  expect(current.roles).toEqual(["billing_owner"]);
  const newEtag = updated.headers.get("etag");
  expect(newEtag).toBe(`"${current.version}"`);
  expect(newEtag).not.toBe(etag);

  const stale = await patchRoles(admin.api, path, ["admin"], etag);
  expect(stale.status).toBe(412);
  expect(stale.headers.get("etag")).toBe(newEtag);
  expect(await json(stale)).toEqual({ member: current });
  expect(await rolesOf(member.userId)).toEqual(["billing_owner"]);

  // A version that never existed is just as stale.
  const future = await patchRoles(admin.api, path, ["admin"], `"${current.version + 100}"`);
  expect(future.status).toBe(412);
  expect(future.headers.get("etag")).toBe(newEtag);
  expect(await rolesOf(member.userId)).toEqual(["billing_owner"]);
});

test("PATCH and DELETE without If-Match are 428 and change nothing", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const path = memberPath(member.userId);
  for (const response of [await patchRoles(admin.api, path, ["admin"]), await admin.api(path, { method: "DELETE" })]) {
    expect(response.status).toBe(428);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: "precondition_required" });
    expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  }
  expect(await rolesOf(member.userId)).toEqual(["member"]);
});

test("DELETE with a stale If-Match is 412 with the current object; with the current one it removes the member", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const path = memberPath(member.userId);
  const first = (await admin.api(path)).headers.get("etag") as string;
  const second = (await patchRoles(admin.api, path, ["member", "billing_owner"], first)).headers.get("etag") as string;

  const stale = await admin.api(path, { method: "DELETE", headers: { "if-match": first } });
  expect(stale.status).toBe(412);
  expect(stale.headers.get("etag")).toBe(second);
  expect((await json(stale)).member).toMatchObject({ user_id: member.userId, roles: ["member", "billing_owner"] });
  expect((await admin.api(path)).status).toBe(200);

  const removed = await admin.api(path, { method: "DELETE", headers: { "if-match": second } });
  expect(removed.status).toBe(204);
  expect((await admin.api(path)).status).toBe(404);
});

test("concurrent PATCHes based on one ETag: exactly one 200, every other one 412 with the winner's object", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const path = memberPath(member.userId);
  const etag = (await admin.api(path)).headers.get("etag") as string;
  const choices = [["admin"], ["billing_owner"], ["member", "admin"], ["member", "billing_owner"]];

  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => patchRoles(admin.api, path, choices[i % choices.length] as string[], etag)),
  );
  const statuses = responses.map((r) => r.status).sort();
  expect(statuses).toEqual([200, ...Array(19).fill(412)]);

  const winner = responses.find((r) => r.status === 200) as Response;
  const winning = (await json(winner)).member;
  for (const loser of responses.filter((r) => r.status === 412)) {
    expect(loser.headers.get("etag")).toBe(winner.headers.get("etag"));
    expect(await json(loser)).toEqual({ member: winning });
  }
  expect(await rolesOf(member.userId)).toEqual(winning.roles);
  const audits = await db().auditLog.count({ where: { action: "member.roles_changed", targetId: member.userId } });
  expect(audits).toBe(1);
});

test("two admins demoting or removing each other at once never leave the workspace without an admin", async () => {
  for (let round = 0; round < 5; round++) {
    const ws = uniqueSlug("last-admin");
    const one = await createSignedInPersona({ workspace: ws, roles: ["admin"] });
    const two = await createSignedInPersona({ workspace: ws, roles: ["admin"] });
    const etagOf = async (userId: string) => (await one.api(memberPath(userId, ws))).headers.get("etag") as string;
    const [etagOne, etagTwo] = [await etagOf(one.userId), await etagOf(two.userId)];
    const remove = round % 2 === 1;
    const act = (actor: SignedInPersona, target: string, etag: string) =>
      remove
        ? actor.api(memberPath(target, ws), { method: "DELETE", headers: { "if-match": etag } })
        : patchRoles(actor.api, memberPath(target, ws), ["member"], etag);

    const responses = await Promise.all([act(one, two.userId, etagTwo), act(two, one.userId, etagOne)]);
    // The loser is refused either as the last admin (409) or, if it arrived after losing its admin role, as
    // no longer allowed (403); both keep an admin.
    const [winner, loser] = [...responses].sort((x, y) => x.status - y.status) as [Response, Response];
    expect(winner.status, `round ${round}`).toBe(remove ? 204 : 200);
    expect([403, 409], `round ${round}`).toContain(loser.status);
    if (loser.status === 409) expect((await json(loser)).error.code).toBe("last_admin");
    const admins = await db().membership.count({ where: { workspace: { slug: ws }, roles: { has: "admin" } } });
    expect(admins, `round ${round}`).toBe(1);
  }
});
