import { expect, inject, test } from "vitest";

test("GET /api/health answers with the database status and a request id", async () => {
  const response = await fetch(`${inject("appUrl")}/api/health`, { headers: { "X-Request-Id": "probe-1" } });
  const body = await response.json();
  expect(body.db).toBe("ok");
  expect(response.headers.get("x-request-id")).toBe("probe-1");
});
