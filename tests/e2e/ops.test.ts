import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { uniqueSlug } from "../helpers/fixtures";
import { screenshot } from "./browser";
import { browserSuite } from "./suite";

// Operations in a real browser: an admin filters the audit log and follows a request id to the lookup, then
// signs a member's device out, and that member is sent to sign-in on their next navigation.

const { signedInPage } = browserSuite();

test("an admin filters the audit log, follows a request id to the lookup, and signs a member out", async () => {
  const slug = uniqueSlug("e2e-ops");
  const { page, persona: admin } = await signedInPage(slug, ["admin"]);
  const { page: memberPage, persona: member } = await signedInPage(slug, ["member"]);

  // Two audited changes: a prompt (with a known request id) and an API token.
  const requestId = `e2e-ops-${randomBytes(6).toString("hex")}`;
  const prompt = await admin.api(`/api/v1/workspaces/${slug}/prompts`, {
    method: "POST",
    headers: { "x-request-id": requestId },
    body: JSON.stringify({ name: "ops-prompt", content: "hello" }),
  });
  expect(prompt.status).toBe(201);
  const token = await admin.api(`/api/v1/workspaces/${slug}/tokens`, {
    method: "POST",
    body: JSON.stringify({ name: "ops", roles: ["member"] }),
  });
  expect(token.status).toBe(201);

  await page.goto(`/w/${slug}/audit`);
  const table = page.getByRole("table", { name: "Audit log" });
  await table.locator("tbody tr").first().waitFor();
  expect(await table.locator("[data-audit-action]").count()).toBeGreaterThanOrEqual(2);
  await screenshot(page, "ops-01-audit");

  await page.getByLabel("Action").fill("prompt.created");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/action=prompt\.created/);
  await expect
    .poll(async () =>
      table.locator("[data-audit-action]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-audit-action"))),
    )
    .toEqual(["prompt.created"]);
  await screenshot(page, "ops-02-audit-filtered");

  await table.getByRole("link", { name: `Look up request ${requestId}` }).click();
  await page.waitForURL(`**/w/${slug}/requests?id=${requestId}`);
  await page.getByText("Audit rows (1)").waitFor();
  await screenshot(page, "ops-03-request-lookup");

  // An error alert's request id is a link to the lookup for an admin (here: looking up an id that does not exist).
  await page.goto(`/w/${slug}/requests?id=no-such-request`);
  const failure = page.getByRole("alert").getByRole("link");
  await failure.waitFor();
  expect(await failure.getAttribute("href")).toMatch(new RegExp(`^/w/${slug}/requests\\?id=[A-Za-z0-9._:-]+$`));

  // The member's page works before the revocation.
  await memberPage.goto(`/w/${slug}/chat`);
  await memberPage.waitForURL(`**/w/${slug}/chat**`);

  await page.goto(`/w/${slug}/members`);
  const row = page.locator(`[data-member="${member.email}"]`);
  await row.getByRole("button", { name: /^Sessions of/ }).click();
  const signOut = row.getByRole("button", { name: /^Sign out .* on / });
  await signOut.waitFor();
  expect(await signOut.count()).toBe(1);
  await screenshot(page, "ops-04-member-sessions");
  await signOut.click();
  await row.getByText("is signed out; it needs to sign in again.").waitFor();
  await row.getByText("No active sessions.").waitFor();
  await screenshot(page, "ops-05-member-session-revoked");

  // The member's next navigation lands on sign-in.
  await memberPage.goto(`/w/${slug}/members`);
  await memberPage.waitForURL("**/signin?callbackUrl=*");
  await memberPage.getByRole("heading", { name: "Sign in to Holdfast" }).waitFor();
  await screenshot(memberPage, "ops-06-member-bounced-to-signin");
});
