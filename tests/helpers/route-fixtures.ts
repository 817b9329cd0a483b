// What the route-walking suites (tenancy, fuzz) need to call any /api/v1 route: a workspace "world" with a
// caller per role, one object of each kind named by a path parameter, and a valid body per route.
// A new route needs nothing here unless it brings a new path parameter (add it to PARAM_FIXTURES) or a body
// schema that refuses `{}` (add a valid body to BODY_FIXTURES); the suites fail and say so until it does.
import { randomBytes, randomInt } from "node:crypto";
import { expect } from "vitest";
import { db, type Role } from "@/lib/db";
import { ROLES } from "@/lib/workspaces/permissions";
import {
  type ApiFetch,
  createPersona,
  createSignedInPersona,
  idempotencyKey,
  type SignedInPersona,
  tokenFetch,
  uniqueEmail,
  uniqueSlug,
} from "./fixtures";
import { type DiscoveredRoute, fillPath } from "./routes";

export const PARAM_TABLE = "PARAM_FIXTURES in tests/helpers/route-fixtures.ts";
export const BODY_TABLE = "BODY_FIXTURES in tests/helpers/route-fixtures.ts";

export type World = {
  slug: string;
  id: string;
  /** Holds every role: the strongest caller a workspace has. */
  owner: SignedInPersona;
  /** An API token holding every role. */
  ownerToken: ApiFetch;
  byRole: Record<Role, { cookie: ApiFetch; token: ApiFetch }>;
  /** One object of each kind (by path parameter name), made on first use and shared. */
  param: (name: string) => Promise<string>;
};

const ownerApi = (w: World, path: string, init: RequestInit = {}) =>
  w.owner.api(`/api/v1/workspaces/${w.slug}${path}`, init);

async function created(response: Response, what: string) {
  const text = await response.text();
  expect(response.status, `creating the ${what} fixture: ${text}`).toBeLessThan(300);
  return JSON.parse(text);
}

/** How to make, inside world `w`, an object for each path parameter name. One entry per new kind of id. */
export const PARAM_FIXTURES: Record<string, (w: World, resolved?: Record<string, string>) => Promise<string>> = {
  ws: async (w) => w.slug,
  userId: async (w) => (await createPersona({ workspace: w.slug, roles: ["member"] })).userId,
  tokenId: async (w) => {
    const response = await ownerApi(w, "/tokens", {
      method: "POST",
      body: JSON.stringify({ name: "fixture", roles: ["member"] }),
    });
    return (await created(response, "tokenId")).id;
  },
  invitationId: async (w) => {
    const response = await ownerApi(w, "/invitations", {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey("fixture") },
      body: JSON.stringify({ email: uniqueEmail("invitee"), roles: ["member"] }),
    });
    return (await created(response, "invitationId")).invitation.id;
  },
  conversationId: async (w) => {
    const response = await ownerApi(w, "/conversations", {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey("fixture") },
      body: JSON.stringify({ title: "fixture" }),
    });
    return (await created(response, "conversationId")).conversation.id;
  },
  // A generation that has finished, so that no background work changes the workspace later.
  generationId: async (w) => {
    const conversationId = await w.param("conversationId");
    const sent = await created(
      await ownerApi(w, `/conversations/${conversationId}/messages`, {
        method: "POST",
        headers: { "idempotency-key": idempotencyKey("fixture") },
        body: JSON.stringify({ content: "hello from a fixture" }),
      }),
      "generationId",
    );
    await settle(w);
    return sent.generation.id;
  },
  contextBuildId: async (w) => {
    const generationId = await w.param("generationId");
    const generation = (await created(await ownerApi(w, `/generations/${generationId}`), "contextBuildId")).generation;
    const messages = await created(
      await ownerApi(w, `/conversations/${generation.conversation_id}/messages`),
      "contextBuildId",
    );
    const answer = messages.data.find((m: { id: string }) => m.id === generation.message_id);
    expect(answer?.context_build_id, `the finished generation ${generationId} names its context build`).toBeTruthy();
    return answer.context_build_id;
  },
  // A prompt with v1 and v2 and the world's own label (see promptLabelOf) on v2, so moving it to v1 changes it.
  name: async (w) => {
    const name = uniqueSlug("fixture-prompt");
    await created(
      await ownerApi(w, "/prompts", { method: "POST", body: JSON.stringify({ name, content: "line one\nline two" }) }),
      "name",
    );
    await created(
      await ownerApi(w, `/prompts/${name}/versions`, {
        method: "POST",
        headers: { "idempotency-key": idempotencyKey("fixture") },
        body: JSON.stringify({ content: "line one\nline 2\nline three" }),
      }),
      "name",
    );
    await created(
      await ownerApi(w, `/prompts/${name}/labels/${promptLabelOf(w)}`, {
        method: "PUT",
        headers: { "if-none-match": "*" },
        body: JSON.stringify({ version: 2 }),
      }),
      "name",
    );
    return name;
  },
  // Labels are names, not ids: each world's prompts carry a label no other world's prompts have.
  label: async (w) => promptLabelOf(w),
  // The id (not the number, which every prompt has) of v1 of the world's prompt.
  version: async (w) => {
    const name = await w.param("name");
    return (await created(await ownerApi(w, `/prompts/${name}/versions/1`), "version")).prompt_version.id;
  },
  // A live device session of the member named by {userId} (the one resolved just before it in the same path, or
  // the world's shared one), so that revoking it really signs that member out.
  sessionId: async (w, resolved) => {
    const userId = resolved?.userId ?? (await w.param("userId"));
    const session = await db().deviceSession.create({
      data: { userId, deviceLabel: "Fixture device", absoluteExpiresAt: new Date(Date.now() + 24 * 3600_000) },
    });
    return session.id;
  },
  // A run waiting for an approval: at rest (no background work changes it) until someone decides or cancels.
  runId: async (w) => {
    const response = await ownerApi(w, "/runs", {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey("fixture") },
      body: JSON.stringify({
        agent: "operations",
        goal: "fixture run",
        constraints: { require_approval: ["write_local"] },
        // Always asks, whatever the disk of the world looks like by now.
        offline_plan: '1. clean_logs {"olderThanDays": 7}',
      }),
    });
    const runId = (await created(response, "runId")).run.id as string;
    await waitForRunStatus(runId, ["waiting_approval"]);
    return runId;
  },
  // The pending approval of the run named by {runId} (resolved just before it in the same path, or the shared one).
  approvalId: async (w, resolved) => {
    const runId = resolved?.runId ?? (await w.param("runId"));
    const approval = await db().agentApproval.findFirst({ where: { runId, status: "pending" } });
    expect(approval, `run ${runId} waits for an approval`).toBeTruthy();
    return approval?.id as string;
  },
  // A run that failed (loop detection stops a looping offline plan): what POST …/retry needs.
  failedRunId: async (w) => {
    const response = await ownerApi(w, "/runs", {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey("fixture") },
      body: JSON.stringify({
        agent: "operations",
        goal: "fixture loop",
        constraints: { require_approval: [] },
        offline_plan: "1. check_disk {} repeat",
      }),
    });
    const runId = (await created(response, "failedRunId")).run.id as string;
    await waitForRunStatus(runId, ["failed"]);
    return runId;
  },
  // A request this world's owner made (request logs are written just after the response: wait for the row).
  requestId: async (w) => {
    const requestId = `fixture-${randomBytes(8).toString("hex")}`;
    const response = await w.owner.api(`/api/v1/workspaces/${w.slug}`, { headers: { "x-request-id": requestId } });
    expect(response.status, "the requestId fixture's request").toBe(200);
    for (let i = 0; i < 400; i++) {
      if (await db().requestLog.findFirst({ where: { requestId, workspaceId: w.id } })) return requestId;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`request ${requestId} was never logged`);
  },
};

/** Routes whose path parameter needs an object in a particular state: route key → {param: fixture name}. */
export const ROUTE_PARAM_FIXTURES: Record<string, Record<string, string>> = {
  "POST /api/v1/workspaces/{ws}/runs/{runId}/retry": { runId: "failedRunId" },
  // A finished run's stream ends (with `end`); a waiting run's stays open.
  "GET /api/v1/workspaces/{ws}/runs/{runId}/events": { runId: "failedRunId" },
};

/** Waits (by asking the database) until run `runId` is in one of `statuses`. */
export async function waitForRunStatus(runId: string, statuses: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db().agentRun.findUnique({ where: { id: runId }, select: { status: true } });
    if (run && statuses.includes(run.status)) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run?.status}, not ${statuses.join("|")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A valid body per route (keyed `METHOD template`), so that a request a check should refuse would really change
 * something if the check were missing. Routes whose schema accepts `{}` need no entry.
 */
export const BODY_FIXTURES: Record<string, () => unknown> = {
  "POST /api/v1/workspaces/{ws}/prompts": () => ({ name: uniqueSlug("probe-prompt"), content: "a probe prompt" }),
  "POST /api/v1/workspaces/{ws}/prompts/{name}/versions": () => ({ content: "a probe version" }),
  "PUT /api/v1/workspaces/{ws}/prompts/{name}/labels/{label}": () => ({ version: 1 }),
  "POST /api/v1/workspaces/{ws}/invitations": () => ({ email: uniqueEmail("invitee"), roles: ["admin"] }),
  "PATCH /api/v1/workspaces/{ws}/members/{userId}": () => ({ roles: ["admin"] }),
  // Below the default of 90 days, so the owner's control request really changes the setting.
  "PATCH /api/v1/workspaces/{ws}": () => ({ retention_days: randomInt(1, 90) }),
  "POST /api/v1/workspaces/{ws}/tokens": () => ({ name: "probe", roles: ["admin"] }),
  "PATCH /api/v1/workspaces/{ws}/conversations/{conversationId}": () => ({ title: "renamed by a probe" }),
  "POST /api/v1/workspaces/{ws}/conversations/{conversationId}/messages": () => ({ content: "a probe" }),
  "POST /api/v1/workspaces/{ws}/runs": () => ({ agent: "operations", goal: "a probe run", dry_run: true }),
  "POST /api/v1/workspaces/{ws}/runs/{runId}/approvals/{approvalId}": () => ({ decision: "approve", note: "probe" }),
  "POST /api/v1/workspaces": () => ({ name: "probe", slug: uniqueSlug("probe") }),
  "POST /api/v1/signup": () => ({ email: uniqueEmail("signup"), name: "Probe", password: "a-long-enough-password" }),
  "POST /api/v1/me/password": () => ({ current_password: "x", new_password: "a-long-enough-password" }),
};

/** A valid body for `route`, or an error naming BODY_FIXTURES. */
export function validBody(route: DiscoveredRoute): string | undefined {
  const schema = route.meta?.body;
  if (!schema) return undefined;
  const fixture = BODY_FIXTURES[route.key];
  if (fixture) return JSON.stringify(fixture());
  if (schema.safeParse({}).success) return "{}";
  throw new Error(`${route.key} takes a body: add a valid one to ${BODY_TABLE}`);
}

/**
 * Waits until background work a request may have started in `w` is over (generations; runs until they end or
 * wait for an undecided approval), by asking the
 * database, not by guessing a duration.
 */
export async function settle(w: World, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db().$queryRaw<{ n: number }[]>`
      SELECT (SELECT count(*)::int FROM generations
              WHERE workspace_id = ${w.id}::uuid AND status NOT IN ('succeeded', 'failed', 'canceled', 'timed_out'))
           + (SELECT count(*)::int FROM agent_runs r
              WHERE r.workspace_id = ${w.id}::uuid
                AND (r.status IN ('queued', 'running')
                     OR (r.status = 'waiting_approval' AND NOT EXISTS (
                           SELECT 1 FROM agent_approvals a WHERE a.run_id = r.id AND a.status = 'pending')))) AS n`;
    if (!row?.n) return;
    if (Date.now() > deadline) throw new Error(`generations or runs of ${w.slug} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function createWorld(prefix = "world"): Promise<World> {
  const slug = uniqueSlug(prefix);
  const owner = await createSignedInPersona({ workspace: slug, roles: [...ROLES] });
  const ownerToken = await createPersona({ workspace: slug, roles: [...ROLES], withToken: true });
  const byRole = {} as World["byRole"];
  for (const role of ROLES) {
    const persona = await createSignedInPersona({ workspace: slug, roles: [role], withToken: true });
    byRole[role] = { cookie: persona.api, token: tokenFetch(persona.token as string) };
  }
  const { id } = await db().workspace.findUniqueOrThrow({ where: { slug } });
  const made = new Map<string, Promise<string>>();
  const world: World = {
    slug,
    id,
    owner,
    ownerToken: tokenFetch(ownerToken.token as string),
    byRole,
    param: (name) => {
      const fixture = PARAM_FIXTURES[name];
      if (!fixture) throw new Error(`no fixture for path parameter {${name}}: add it to ${PARAM_TABLE}`);
      if (!made.has(name)) made.set(name, fixture(world));
      return made.get(name) as Promise<string>;
    },
  };
  return world;
}

/** The prompt label only world `w`'s fixture prompts carry. */
export const promptLabelOf = (w: World) => `fx-${w.slug}`;

export type Prepared = { path: string; init: { method: string; headers: Record<string, string>; body?: string } };

/**
 * The request for `route` against workspace slug `ws`, each other path parameter taken from the world that
 * `objectsOf(name)` returns. It carries what would make it succeed for a caller who is allowed: a valid body, a
 * fresh Idempotency-Key, and the object's current ETag as If-Match (read from the GET of the same path).
 */
export async function prepare(
  route: DiscoveredRoute,
  options: {
    ws: string;
    objectsOf: (name: string) => World;
    getTemplates: Set<string>;
    freshObjects?: boolean;
  },
): Promise<Prepared> {
  const values: Record<string, string> = {};
  const own: Record<string, string> = {};
  for (const name of route.params) {
    const fixtureName = ROUTE_PARAM_FIXTURES[route.key]?.[name] ?? name;
    const fixture = PARAM_FIXTURES[fixtureName];
    if (!fixture) continue; // fillPath names the missing fixture
    const world = options.objectsOf(name);
    own[name] =
      name !== "ws" && options.freshObjects ? await fixture(world, { ...own }) : await world.param(fixtureName);
    values[name] = name === "ws" ? options.ws : (own[name] as string);
  }
  const path = fillPath(route.template, values, PARAM_TABLE);
  const headers: Record<string, string> = {};
  if (route.meta?.idempotent) headers["idempotency-key"] = idempotencyKey("probe");
  if (["PATCH", "PUT", "DELETE"].includes(route.method) && options.getTemplates.has(route.template)) {
    const last = route.params.at(-1) ?? "ws";
    const home = options.objectsOf(last);
    const read = await home.owner.api(fillPath(route.template, { ...own, ws: home.slug }, PARAM_TABLE));
    const etag = read.headers.get("etag");
    if (etag) headers["if-match"] = etag;
  }
  return { path, init: { method: route.method, headers, body: validBody(route) } };
}
