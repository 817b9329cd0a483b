// Bad input: for every /api/v1 route (found at test time) whose handler declares a zod body schema, fast-check
// sends JSON values that schema refuses, and text that is not JSON at all, as a caller who is allowed to use the
// route. Each must get a 400/422 validation envelope — never a 500 — and write nothing.
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import type { z } from "zod";
import { db } from "@/lib/db";
import { userDigest, workspaceDigest } from "../helpers/digest";
import { appUrl } from "../helpers/fixtures";
import { createWorld, prepare, type World } from "../helpers/route-fixtures";
import { type DiscoveredRoute, discoverRoutes } from "../helpers/routes";

const RUNS_PER_ROUTE = 30;

const allRoutes = await discoverRoutes("app/api/v1");
const bodyRoutes = allRoutes.filter((r) => r.meta?.body);
const getTemplates = new Set(allRoutes.filter((r) => r.method === "GET").map((r) => r.template));

let world: World;

beforeAll(async () => {
  world = await createWorld("fuzz");
});

/** The keys of an object schema (through .refine/.transform/.default wrappers), to aim values at real fields. */
function objectKeys(schema: z.ZodType): string[] {
  let current: unknown = schema;
  for (let depth = 0; depth < 5 && current; depth++) {
    const node = current as { shape?: Record<string, unknown>; _zod?: { def?: Record<string, unknown> } };
    if (node.shape && typeof node.shape === "object") return Object.keys(node.shape);
    const def = node._zod?.def;
    current = def?.in ?? def?.innerType ?? def?.schema;
  }
  return [];
}

const awkwardString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "x".repeat(25_000), "a@b", "no-at-sign", "' OR 1=1 --", "<script>", "💥", "admin"),
  fc.emailAddress(),
);
const awkwardValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  awkwardString,
  fc.constantFrom(null, true, 0, -1, 1e308, 2 ** 53, [], {}, ["member", "member", "member", "admin"], ["owner"]),
  fc.integer(),
  fc.double(),
  fc.array(awkwardString, { maxLength: 5 }),
);

/** JSON values (as sent over the wire) that `schema` refuses. */
function refusedValues(schema: z.ZodType): fc.Arbitrary<unknown> {
  const keys = objectKeys(schema);
  const candidates: fc.Arbitrary<unknown>[] = [fc.jsonValue({ maxDepth: 3 })];
  if (keys.length > 0) {
    const fields = fc.record(Object.fromEntries(keys.map((k) => [k, awkwardValue])), { requiredKeys: [] });
    candidates.push(
      fields,
      fields,
      fc.tuple(fields, fc.dictionary(fc.string(), awkwardValue)).map(([f, extra]) => ({ ...extra, ...f })),
    );
  }
  return fc
    .oneof(...candidates)
    .map((value) => JSON.parse(JSON.stringify(value) ?? "null") as unknown)
    .filter((value) => !schema.safeParse(value).success);
}

/** Request bodies that are not JSON at all. */
const malformedJson = fc
  .oneof(
    fc.string(),
    fc.constantFrom("{", "[1,2", '{"email":', "{'a':1}", "nul", '{"a":1}}', "\u0000", "{}{}", '{"a":"\\x"}', "NaN"),
    fc.jsonValue().map((v) => `${JSON.stringify(v)},`),
  )
  .filter((text) => {
    if (text.trim() === "") return false; // an empty body counts as {}
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  });

/** What a bad request might touch: the world's tenant rows, its owner's own rows, and the global counts. */
async function snapshot() {
  return {
    workspace: await workspaceDigest(world.id),
    owner: await userDigest(world.owner.userId),
    users: await db().user.count(),
    workspaces: await db().workspace.count(),
  };
}

/** Public routes are called as a stranger would; the others as the world's owner, who may do anything. */
function callerFor(route: DiscoveredRoute) {
  if (route.meta?.auth === "public") return (path: string, init: RequestInit) => fetch(`${appUrl()}${path}`, init);
  return world.owner.api;
}

test("there are body routes to fuzz, and each declares its schema", () => {
  expect(bodyRoutes.length).toBeGreaterThan(0);
  const writesWithoutSchema = allRoutes
    .filter((r) => ["POST", "PUT", "PATCH"].includes(r.method) && !r.meta)
    .map((r) => r.key);
  expect(writesWithoutSchema, "write handlers not built with the wrappers of lib/http/route.ts").toEqual([]);
});

describe.each(bodyRoutes)("$key", (route) => {
  const schema = route.meta?.body as z.ZodType;

  test(`refused bodies get a 400/422 validation envelope, never a 500, and write nothing (${RUNS_PER_ROUTE} runs)`, async () => {
    const template = await prepare(route, { ws: world.slug, objectsOf: () => world, getTemplates });
    const send = callerFor(route);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          refusedValues(schema).map((value) => JSON.stringify(value)),
          malformedJson,
        ),
        async (body) => {
          const headers: Record<string, string> = { ...template.init.headers, "content-type": "application/json" };
          if (route.meta?.idempotent) headers["idempotency-key"] = `fuzz-${crypto.randomUUID()}`;
          const before = await snapshot();
          const response = await send(template.path, { method: route.method, headers, body });
          const text = await response.text();
          const context = `${route.key} with ${body.slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`;
          expect([400, 422], context).toContain(response.status);
          const envelope = JSON.parse(text);
          expect(envelope.error?.type, context).toBe("validation");
          expect(envelope.error?.request_id, context).toBe(response.headers.get("x-request-id"));
          expect(await snapshot(), `${context}: nothing may be written`).toEqual(before);
        },
      ),
      { numRuns: RUNS_PER_ROUTE },
    );
  });
});
