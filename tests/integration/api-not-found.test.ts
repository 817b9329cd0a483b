// An /api/v1 path no route handles answers the JSON error envelope (404 not_found, with X-Request-Id), for every
// method, instead of Next's HTML page — and the catch-all shadows no real route.
import { expect, test } from "vitest";
import { appUrl, createSignedInPersona, json, uniqueSlug } from "../helpers/fixtures";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

test.each(["/api/v1/nope", "/api/v1/nope/deeper/still", "/api/v1/workspaces/some-ws/no-such-thing"])(
  "%s answers a JSON 404 envelope for every method",
  async (path) => {
    for (const method of METHODS) {
      const requestId = `nf-${method.toLowerCase()}-${Date.now()}`;
      const response = await fetch(`${appUrl()}${path}`, { method, headers: { "x-request-id": requestId } });
      const context = `${method} ${path}`;
      expect(response.status, context).toBe(404);
      expect(response.headers.get("content-type"), context).toMatch(/^application\/json/);
      expect(response.headers.get("x-request-id"), context).toBe(requestId);
      expect(await json(response), context).toEqual({
        error: { type: "not_found", code: "route_not_found", message: expect.any(String), request_id: requestId },
      });
    }
  },
);

test("HEAD of an unknown path is a 404 too", async () => {
  const response = await fetch(`${appUrl()}/api/v1/nope`, { method: "HEAD" });
  expect(response.status).toBe(404);
  expect(response.headers.get("x-request-id")).toBeTruthy();
});

test("real routes still answer: the catch-all shadows none of them", async () => {
  const slug = uniqueSlug("nf");
  const admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  const me = await admin.api("/api/v1/me");
  expect(me.status).toBe(200);
  expect((await json(me)).user.email).toBe(admin.email);
  expect((await admin.api(`/api/v1/workspaces/${slug}`)).status).toBe(200);
  expect((await admin.api(`/api/v1/workspaces/${slug}/members`)).status).toBe(200);
  // A workspace the caller cannot see stays the tenancy 404 (workspace_not_found), not the catch-all's.
  const hidden = await admin.api("/api/v1/workspaces/not-mine-at-all/members");
  expect(hidden.status).toBe(404);
  expect((await json(hidden)).error.code).toBe("workspace_not_found");
  // A known path with a method it does not export stays Next's 405.
  expect((await admin.api("/api/v1/me", { method: "PUT", body: "{}" })).status).toBe(405);
});
