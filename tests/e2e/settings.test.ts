import { expect, test } from "vitest";
import { db } from "@/lib/db";
import { uniqueSlug } from "../helpers/fixtures";
import { screenshot } from "./browser";
import { browserSuite } from "./suite";

// The workspace settings page in a real browser: an admin sets the retention (inline validation first, then a
// stale-setting conflict resolved by re-applying), a member is refused and has no link to it (the
// link sits in the workspace switcher).

const { signedInPage } = browserSuite();

test("an admin changes the retention setting, meeting inline validation and a concurrent change", async () => {
  const slug = uniqueSlug("e2e-settings");
  const { page, persona } = await signedInPage(slug, ["admin"]);
  await page.goto(`/w/${slug}`);
  await page.getByRole("button", { name: /^Workspace: .*Switch workspace$/ }).click();
  await page.getByRole("link", { name: "Workspace settings" }).click();
  await page.getByRole("heading", { name: "Data retention" }).waitFor();
  const field = page.getByLabel("Keep data for (days)");
  expect(await field.inputValue()).toBe("90");

  await field.fill("0");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Keep data at least 1 day.").waitFor();
  await field.fill("abc");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Enter a whole number of days.").waitFor();
  await screenshot(page, "settings-01-invalid");

  // Someone else changes it behind this page's back: the save is refused (412), nothing is overwritten.
  const current = await persona.api(`/api/v1/workspaces/${slug}`);
  const changed = await persona.api(`/api/v1/workspaces/${slug}`, {
    method: "PATCH",
    headers: { "if-match": current.headers.get("etag") as string },
    body: JSON.stringify({ retention_days: 60 }),
  });
  expect(changed.status).toBe(200);
  await field.fill("30");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Someone else changed this setting meanwhile").waitFor();
  await screenshot(page, "settings-02-conflict");
  const workspace = () => db().workspace.findUniqueOrThrow({ where: { slug } });
  expect((await workspace()).retentionDays).toBe(60);

  await page.getByRole("button", { name: "Apply my change again" }).click();
  await page.getByText("Saved: data is kept 30 days.").waitFor();
  await screenshot(page, "settings-03-saved");
  expect((await workspace()).retentionDays).toBe(30);
  const audits = await db().auditLog.findMany({
    where: { workspaceId: (await workspace()).id, action: "workspace.retention" },
    orderBy: { createdAt: "asc" },
  });
  expect(audits.map((a) => a.data)).toEqual([
    { from: 90, to: 60 },
    { from: 60, to: 30 },
  ]);
});

test("a member sees the refusal and no settings link", async () => {
  const slug = uniqueSlug("e2e-settings");
  const { page } = await signedInPage(slug, ["member"]);
  await page.goto(`/w/${slug}/settings`);
  await page.getByText("Only admins change the workspace's settings").waitFor();
  await page.getByRole("button", { name: /^Workspace: .*Switch workspace$/ }).click();
  await page.getByText("Workspaces", { exact: true }).waitFor(); // the open switcher's heading
  expect(await page.getByRole("link", { name: "Workspace settings" }).count()).toBe(0);
  expect(await page.getByLabel("Keep data for (days)").count()).toBe(0);
});
