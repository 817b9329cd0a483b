// Tenancy: every /api/v1/workspaces/{ws}/… route found in the source tree at test time, every HTTP method it
// exports, is called from another workspace, with a workspace that does not exist, with another workspace's
// object ids and with each single role — and nothing in either workspace may change when it is refused.
// A new route is covered without touching this file; a new kind of path parameter or a body schema needs one
// entry in tests/helpers/route-fixtures.ts, and this suite fails, saying so, until it has it.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { db } from "@/lib/db";
import { hasPermission, ROLES } from "@/lib/workspaces/permissions";
import { type Digest, workspaceDigest } from "../helpers/digest";
import type { ApiFetch } from "../helpers/fixtures";
import {
  createWorld,
  PARAM_FIXTURES,
  PARAM_TABLE,
  type Prepared,
  prepare,
  settle,
  type World,
} from "../helpers/route-fixtures";
import { builtRouteTemplates, type DiscoveredRoute, discoverRoutes } from "../helpers/routes";

const WORKSPACE_PREFIX = "/api/v1/workspaces/{ws}";

/** Mutations that are documented no-ops on the fixture object, so their control changes nothing. */
const NO_OP_CONTROLS: Record<string, string> = {
  "POST /api/v1/workspaces/{ws}/generations/{generationId}/cancel": "the fixture generation has already finished",
};

const routes = (await discoverRoutes("app/api/v1")).filter(
  (r) => r.template === WORKSPACE_PREFIX || r.template.startsWith(`${WORKSPACE_PREFIX}/`),
);
const getTemplates = new Set(routes.filter((r) => r.method === "GET").map((r) => r.template));

let a: World;
let b: World;

beforeAll(async () => {
  [a, b] = await Promise.all([createWorld("tenancy"), createWorld("tenancy")]);
});

const request = (route: DiscoveredRoute, ws: string, objectsOf: (name: string) => World, freshObjects = false) =>
  prepare(route, { ws, objectsOf, getTemplates, freshObjects });

async function digests(except: string[] = []): Promise<Digest[]> {
  return Promise.all([workspaceDigest(a.id, { except }), workspaceDigest(b.id, { except })]);
}

/**
 * Sends the prepared request as `caller` and asserts the refusal, its envelope, and that nothing changed.
 * `executed`: the caller may use this workspace and the refusal came from inside the handler (an object id it
 * cannot see), so an [idem] route saves that 404 under the caller's own key (API.md: errors are replayed too) —
 * that record, and only it, may appear, and it must say 404.
 */
async function expectRefused(
  caller: ApiFetch,
  prepared: Prepared,
  status: 403 | 404,
  who: string,
  options: { executed?: boolean } = {},
) {
  const except = options.executed ? ["idempotency_records"] : [];
  const before = await digests(except);
  const response = await caller(prepared.path, prepared.init);
  const text = await response.text();
  const context = `${prepared.init.method} ${prepared.path} as ${who} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, context).toBe(status);
  const body = JSON.parse(text);
  expect(body.error, context).toMatchObject({ type: status === 404 ? "not_found" : "forbidden" });
  expect(body.error.request_id, context).toBe(response.headers.get("x-request-id"));
  expect(await digests(except), `${context}: nothing may change in either workspace`).toEqual(before);
  const key = prepared.init.headers["idempotency-key"];
  if (key) {
    const saved = await db().$queryRaw<{ workspace_id: string; response_status: number }[]>`
      SELECT workspace_id::text, response_status FROM idempotency_records WHERE key = ${key}`;
    if (options.executed) {
      expect(
        saved.map((r) => [r.workspace_id, r.response_status]),
        context,
      ).toEqual(saved.length ? [[a.id, status]] : []);
    } else {
      expect(saved, `${context}: a request refused before executing saves no idempotency record`).toEqual([]);
    }
  }
}

test("the suite walks exactly the workspace routes the build under test registered", () => {
  expect(routes.length).toBeGreaterThan(0);
  const built = builtRouteTemplates(WORKSPACE_PREFIX);
  expect(built, "no app-paths-manifest.json: run `next build` first").not.toBeNull();
  expect([...new Set(routes.map((r) => r.template))].sort(), "source and build disagree: rebuild").toEqual(built);
});

test("every path parameter of every workspace route has a fixture", () => {
  const missing = routes.flatMap((r) => r.params.filter((p) => !(p in PARAM_FIXTURES)).map((p) => `${r.key}: {${p}}`));
  expect(missing, `add these path parameters to ${PARAM_TABLE}`).toEqual([]);
});

test("every workspace route handler is built with withWorkspace and names a permission", () => {
  const unwrapped = routes.filter((r) => r.meta?.auth !== "workspace" || !r.meta.permission).map((r) => r.key);
  expect(unwrapped, "wrap these handlers with withWorkspace(handler, { permission })").toEqual([]);
});

describe.each(routes)("$key", (route) => {
  const permission = route.meta?.permission;
  const lacking = ROLES.filter((role) => !permission || !hasPermission([role], permission));
  const holding = ROLES.filter((role) => permission && hasPermission([role], permission));
  const fromA = () => a;

  test("a member and a token of another workspace get 404, and nothing changes", async () => {
    await expectRefused(b.owner.api, await request(route, a.slug, fromA), 404, "another workspace's owner (cookie)");
    await expectRefused(b.ownerToken, await request(route, a.slug, fromA), 404, "another workspace's token");
  });

  test("a workspace that does not exist is 404", async () => {
    const missing = `missing-${randomBytes(4).toString("hex")}`;
    await expectRefused(a.owner.api, await request(route, missing, fromA), 404, "an owner, unknown slug");
    await expectRefused(a.ownerToken, await request(route, missing, fromA), 404, "an owner's token, unknown slug");
  });

  const objectParams = route.params.filter((p) => p !== "ws");
  if (objectParams.length > 0) {
    test("another workspace's object ids are 404 inside this one, and change nothing in either", async () => {
      for (const foreign of objectParams) {
        const prepared = await request(route, a.slug, (name) => (name === foreign ? b : a));
        await expectRefused(a.owner.api, prepared, 404, `this workspace's owner with {${foreign}} of another one`, {
          executed: true,
        });
      }
    });
  }

  if (lacking.length > 0) {
    test(`roles lacking "${permission}" get 403, and nothing changes`, async () => {
      for (const role of lacking) {
        await expectRefused(a.byRole[role].cookie, await request(route, a.slug, fromA), 403, `${role} (cookie)`);
        await expectRefused(a.byRole[role].token, await request(route, a.slug, fromA), 403, `${role} (token)`);
      }
    });
  }

  if (route.method === "GET" && holding.length > 0) {
    test(`roles holding "${permission}" get 200`, async () => {
      for (const role of holding) {
        for (const [how, caller] of Object.entries(a.byRole[role])) {
          const prepared = await request(route, a.slug, fromA);
          const response = await caller(prepared.path, prepared.init);
          const text = await response.text();
          expect(response.status, `${route.key} as ${role} (${how}): ${text.slice(0, 300)}`).toBe(200);
        }
      }
    });
  }

  // The control: the very requests refused above succeed for someone allowed, so the refusals were meaningful
  // (not a 400 for a bad body or a missing header), and the digest does see what the route changes.
  if (route.method !== "GET" && route.method !== "HEAD") {
    test("the same request from this workspace's owner succeeds and changes the workspace", async () => {
      const prepared = await request(route, a.slug, fromA, true);
      await settle(a);
      const before = await workspaceDigest(a.id);
      const response = await a.owner.api(prepared.path, prepared.init);
      const text = await response.text();
      expect(response.status, `${route.key} as the owner: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
      expect(response.status, `${route.key} as the owner: ${text.slice(0, 300)}`).toBeLessThan(300);
      await settle(a);
      if (!NO_OP_CONTROLS[route.key]) expect(await workspaceDigest(a.id)).not.toEqual(before);
    });
  }
});
