// request_id lookup (SPEC §7): the request as this workspace logged it, and what it touched.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, inject, test } from "vitest";
import { db } from "@/lib/db";
import { startAppServer } from "../helpers/app-server";
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
let admin: SignedInPersona;
let member: SignedInPersona;
const rid = (what: string) => `lookup-${what}-${randomBytes(6).toString("hex")}`;

async function logged(requestId: string) {
  for (let i = 0; i < 400; i++) {
    if (await db().requestLog.findFirst({ where: { requestId } })) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${requestId} never logged`);
}

beforeAll(async () => {
  slug = uniqueSlug("lookup");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
});

const lookup = (who: SignedInPersona, id: string, ws = slug) => who.api(`/api/v1/workspaces/${ws}/requests/${id}`);

test("a request with its log row, the audit rows it wrote and the generation it started", async () => {
  const promptRequest = rid("prompt");
  const name = uniqueSlug("lk");
  const created = await admin.api(`/api/v1/workspaces/${slug}/prompts`, {
    method: "POST",
    headers: { "x-request-id": promptRequest },
    body: JSON.stringify({ name, content: "hi" }),
  });
  expect(created.status).toBe(201);
  await logged(promptRequest);
  const found = (await json(await lookup(admin, promptRequest))).request;
  expect(found.request_id).toBe(promptRequest);
  expect(found.logs).toHaveLength(1);
  expect(found.logs[0]).toMatchObject({ method: "POST", status: 201, user_id: admin.userId, user_email: admin.email });
  expect(found.audit.map((a: { action: string }) => a.action)).toEqual(["prompt.created"]);

  const conversation = (
    await json(
      await admin.api(`/api/v1/workspaces/${slug}/conversations`, {
        method: "POST",
        headers: { "idempotency-key": idempotencyKey() },
        body: '{"title":"lookup"}',
      }),
    )
  ).conversation;
  const sendRequest = rid("send");
  const sent = await admin.api(`/api/v1/workspaces/${slug}/conversations/${conversation.id}/messages`, {
    method: "POST",
    headers: { "idempotency-key": idempotencyKey(), "x-request-id": sendRequest },
    body: '{"content":"hello"}',
  });
  expect(sent.status).toBe(202);
  const { generation, message } = await json(sent);
  await logged(sendRequest);
  const withGeneration = (await json(await lookup(admin, sendRequest))).request;
  expect(withGeneration.generations.map((g: { id: string }) => g.id)).toEqual([generation.id]);
  expect(withGeneration.generations[0].messages.map((m: { id: string }) => m.id)).toContain(message.id);

  // A failed request is found too, with its error code.
  const failing = rid("fail");
  await admin.api(`/api/v1/workspaces/${slug}/prompts/${name}/labels/nope`, {
    method: "PUT",
    headers: { "x-request-id": failing },
    body: '{"version":1}',
  });
  await logged(failing);
  expect((await json(await lookup(admin, failing))).request.logs[0]).toMatchObject({
    status: 404,
    error_code: "prompt_label_not_found",
  });
});

/** Polls the lookup until `ready` holds for what it returns (log lines are written in batches, jobs run later). */
async function lookupUntil(id: string, ready: (found: Found) => boolean): Promise<Found> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await lookup(admin, id);
    const found = response.status === 200 ? ((await json(response)).request as Found) : null;
    if (found && ready(found)) return found;
    if (Date.now() > deadline) throw new Error(`lookup of ${id} never got there: ${JSON.stringify(found)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
type Found = {
  runs: { id: string; status: string; started_by_this_request: boolean; steps: { kind: string; status: string }[] }[];
  log_lines: { event: string; level: string; fields: Record<string, unknown> }[];
};

test("an agent run it started, with its steps, and the log lines of the request and of the run's job", async () => {
  const startRequest = rid("run");
  const goal = `check the disk ${randomBytes(4).toString("hex")}`;
  const started = await admin.api(`/api/v1/workspaces/${slug}/runs`, {
    method: "POST",
    headers: { "idempotency-key": idempotencyKey(), "x-request-id": startRequest },
    body: JSON.stringify({
      agent: "operations",
      goal,
      constraints: { require_approval: [] },
      offline_plan: "1. check_disk {}\nfinal: the disk is fine",
    }),
  });
  expect(started.status).toBe(202);
  const runId = (await json(started)).run.id;

  const found = await lookupUntil(startRequest, (f) =>
    f.log_lines.some((line) => line.event === "run.end" && line.fields.status === "succeeded"),
  );
  expect(found.runs).toHaveLength(1);
  expect(found.runs[0]).toMatchObject({ id: runId, status: "succeeded", started_by_this_request: true });
  expect(found.runs[0]?.steps.map((step) => step.kind)).toContain("tool");
  const events = found.log_lines.map((line) => line.event);
  // The job's lines (written in the engine's calls to the app) are tied to the request that started it.
  expect(events).toContain("run.step");
  expect(events.indexOf("run.end")).toBeGreaterThan(events.indexOf("run.step"));
  const runLines = found.log_lines.filter((line) => line.event.startsWith("run."));
  expect(
    runLines.every((line) => line.fields.run_id === runId),
    JSON.stringify(found.log_lines),
  ).toBe(true);
  expect(JSON.stringify(found.log_lines)).not.toContain(goal); // masked: no personal text

  // Another workspace's admin never sees these lines, even by the same request id.
  const other = await createSignedInPersona({ workspace: uniqueSlug("lookup-other"), roles: ["admin"] });
  expect((await lookup(other, startRequest, other.workspace)).status).toBe(404);
});

test("a web server stopped (SIGTERM) right after answering first writes the log lines it still holds", async () => {
  const owner = await createPersona({ workspace: uniqueSlug("lines-stop"), roles: ["admin"], withToken: true });
  const app = await startAppServer({ databaseUrl: inject("databaseUrl") });
  const requestId = rid("stop");
  try {
    const invited = await fetch(`${app.url}/api/v1/workspaces/${owner.workspace}/invitations`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${owner.token}`,
        "content-type": "application/json",
        "idempotency-key": idempotencyKey(),
        "x-request-id": requestId,
      },
      body: JSON.stringify({ email: uniqueEmail("invitee"), roles: ["member"] }),
    });
    expect(invited.status).toBe(201);
  } finally {
    await app.stop(); // inside the 200 ms batch window: only the shutdown flush can have written the line
  }
  const lines = await db().logLine.findMany({ where: { requestId } });
  expect(lines.map((line) => line.event)).toContain("invitation.link");
});

test("only admins; an id from another workspace, or none at all, is 404", async () => {
  const requestId = rid("mine");
  await admin.api(`/api/v1/workspaces/${slug}`, { headers: { "x-request-id": requestId } });
  await logged(requestId);
  expect((await lookup(member, requestId)).status).toBe(403);
  const other = await createSignedInPersona({ workspace: uniqueSlug("other"), roles: ["admin"] });
  const response = await lookup(other, requestId, other.workspace);
  expect(response.status).toBe(404);
  expect((await json(response)).error.type).toBe("not_found");
  expect((await lookup(other, requestId)).status).toBe(404);
  expect((await lookup(admin, rid("never"))).status).toBe(404);
});
