// Prompt versions (SPEC §5, API.md "Prompts"): immutable versions, a line diff, labels moved with If-Match,
// every change audited, and the count of messages that used a version.
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import { diffLines } from "@/lib/prompts/diff";
import { createSignedInPersona, idempotencyKey, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

let slug: string;
let workspaceId: string;
let admin: SignedInPersona;
let member: SignedInPersona;
const api = (who: SignedInPersona, path: string, init: RequestInit = {}) =>
  who.api(`/api/v1/workspaces/${slug}${path}`, init);

beforeAll(async () => {
  slug = uniqueSlug("prompts");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
});

test("the line diff keeps common lines and marks removals before additions", () => {
  expect(diffLines("a\nb\nc", "a\nx\nc").map((l) => `${l.op}:${l.text}`)).toEqual([
    "equal:a",
    "remove:b",
    "add:x",
    "equal:c",
  ]);
  expect(diffLines("same", "same").every((l) => l.op === "equal")).toBe(true);
});

test("the list always has the built-in assistant with its production and staging labels", async () => {
  const response = await api(member, "/prompts");
  expect(response.status).toBe(200);
  const body = await json(response);
  const assistant = body.data.find((p: { name: string }) => p.name === "assistant");
  expect(assistant.latest_version.version).toBe(1);
  expect(assistant.labels.map((l: { label: string }) => l.label).sort()).toEqual(["production", "staging"]);
});

test("create a prompt, add versions, diff them, move a label with If-Match; all audited", async () => {
  const name = uniqueSlug("greeter");
  const create = await api(admin, "/prompts", {
    method: "POST",
    body: JSON.stringify({ name, content: "Hello.\nBe brief.", labels: ["production"] }),
  });
  expect(create.status).toBe(201);
  expect((await json(create)).prompt_version).toMatchObject({ name, version: 1, labels: ["production"] });
  const again = await api(admin, "/prompts", { method: "POST", body: JSON.stringify({ name, content: "x" }) });
  expect(again.status).toBe(409);

  // A member may read but not write.
  const denied = await api(member, `/prompts/${name}/versions`, {
    method: "POST",
    headers: { "idempotency-key": idempotencyKey() },
    body: JSON.stringify({ content: "nope" }),
  });
  expect(denied.status).toBe(403);

  const key = idempotencyKey();
  const send = () =>
    api(admin, `/prompts/${name}/versions`, {
      method: "POST",
      headers: { "idempotency-key": key },
      body: JSON.stringify({ content: "Hello there.\nBe brief." }),
    });
  const v2 = await send();
  expect(v2.status).toBe(201);
  const v2Body = await json(v2);
  expect(v2Body.prompt_version).toMatchObject({ name, version: 2 });
  const replay = await send();
  expect(replay.headers.get("idempotent-replayed")).toBe("true");
  expect((await json(replay)).prompt_version.id).toBe(v2Body.prompt_version.id);
  const noKey = await api(admin, `/prompts/${name}/versions`, { method: "POST", body: '{"content":"x"}' });
  expect(noKey.status).toBe(400);

  const versions = await json(await api(member, `/prompts/${name}/versions`));
  expect(versions.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  const byNumber = await json(await api(member, `/prompts/${name}/versions/2`));
  const byId = await json(await api(member, `/prompts/${name}/versions/${v2Body.prompt_version.id}`));
  expect(byId).toEqual(byNumber);
  expect((await api(member, `/prompts/${name}/versions/9`)).status).toBe(404);

  const diff = (await json(await api(member, `/prompts/${name}/diff?from=1&to=2`))).diff;
  expect(diff).toMatchObject({ from: 1, to: 2, added: 1, removed: 1 });
  expect((await json(await api(member, `/prompts/${name}/diff`))).diff).toEqual(diff);
  expect((await api(member, `/prompts/${name}/diff?from=abc`)).status).toBe(400);

  // Labels: ETag = the version the label points at.
  const label = await api(member, `/prompts/${name}/labels/production`);
  expect(label.headers.get("etag")).toBe('"1"');
  const move = (body: unknown, headers: Record<string, string>) =>
    api(admin, `/prompts/${name}/labels/production`, { method: "PUT", headers, body: JSON.stringify(body) });
  expect((await move({ version: 2 }, {})).status).toBe(428);
  const moved = await move({ version: 2 }, { "if-match": '"1"' });
  expect(moved.status).toBe(200);
  expect(moved.headers.get("etag")).toBe('"2"');
  const stale = await move({ version: 1 }, { "if-match": '"1"' });
  expect(stale.status).toBe(412);
  expect(stale.headers.get("etag")).toBe('"2"');
  expect((await json(stale)).prompt_label).toMatchObject({ label: "production", version: 2 });
  expect((await move({ version: 7 }, { "if-match": '"2"' })).status).toBe(422);
  expect((await move({ version: 1 }, { "if-match": '"2"' })).status).toBe(200); // rollback = moving it back

  // A new label: If-None-Match: *; without any precondition it is a 404.
  const newLabel = (headers: Record<string, string>) =>
    api(admin, `/prompts/${name}/labels/canary`, { method: "PUT", headers, body: '{"version":2}' });
  expect((await newLabel({})).status).toBe(404);
  expect((await newLabel({ "if-none-match": "*" })).status).toBe(201);
  expect((await newLabel({ "if-none-match": "*" })).status).toBe(412);
  const memberMove = await member.api(`/api/v1/workspaces/${slug}/prompts/${name}/labels/canary`, {
    method: "PUT",
    headers: { "if-match": '"2"' },
    body: '{"version":1}',
  });
  expect(memberMove.status).toBe(403);

  const listed = (await json(await api(member, "/prompts"))).data.find((p: { name: string }) => p.name === name);
  expect(listed.latest_version.version).toBe(2);
  expect(listed.labels.map((l: { label: string; version: number }) => [l.label, l.version])).toEqual([
    ["canary", 2],
    ["production", 1],
  ]);

  const audit = await db().auditLog.findMany({ where: { workspaceId, targetId: { startsWith: name } } });
  expect(audit.map((a) => a.action).sort()).toEqual([
    "prompt.created",
    "prompt.label_created",
    "prompt.label_moved",
    "prompt.label_moved",
    "prompt.version_created",
  ]);
});

test("each version shows how many messages used it", async () => {
  const name = uniqueSlug("counted");
  const v1 = (
    await json(await api(admin, "/prompts", { method: "POST", body: JSON.stringify({ name, content: "c" }) }))
  ).prompt_version;
  const conversation = await db().conversation.create({ data: { workspaceId, title: "t" } });
  for (const seq of [1, 2]) {
    await db().message.create({
      data: {
        workspaceId,
        conversationId: conversation.id,
        seq,
        role: "assistant",
        content: "x",
        status: "completed",
        promptVersionId: v1.id,
      },
    });
  }
  expect((await json(await api(member, `/prompts/${name}/versions/1`))).prompt_version.messages_count).toBe(2);
});

test("another workspace's prompt is a 404", async () => {
  const other = await createSignedInPersona({ workspace: uniqueSlug("other"), roles: ["admin"] });
  const name = uniqueSlug("mine");
  await api(admin, "/prompts", { method: "POST", body: JSON.stringify({ name, content: "c" }) });
  expect((await other.api(`/api/v1/workspaces/${other.workspace}/prompts/${name}/versions`)).status).toBe(404);
  expect((await other.api(`/api/v1/workspaces/${slug}/prompts`)).status).toBe(404);
});
