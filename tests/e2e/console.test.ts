import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { db } from "@/lib/db";
import { uniqueSlug } from "../helpers/fixtures";
import { chooseStatuses, chosenStatuses, phone, screenshot } from "./browser";
import { browserSuite } from "./suite";

// The runs console in a real browser against the shared Holdfast (web server + engine, offline model):
// a member's run fails because the workspace's plan quota ran out; the failure shows the request id that started
// it; an admin pastes that id into the console, finds the run, and (the limit raised) retries it from the
// confirmation dialog with the keyboard and watches it go queued → running → succeeded live, the engine's view
// listing both attempts. An admin moves the assistant's and the operations agent's production labels: the next
// answer and the next run record the new versions, and the prompts page counts their use; a conversation is reset
// from the generations view and from the chat header. The list pages with "Load more", sorts and narrows to stuck
// runs; and screenshots of the console's pages. Waits are on the DOM, never on time.

const { signedInPage } = browserSuite({ timeoutMs: 30_000 });
/** The workspace of the first test, with its failed-then-retried run: the screenshots walk its pages. */
let consoleSlug = "";

/** Starts an operations run from the runs page's form (no approvals) and returns its id once its page is open. */
async function startRunFromForm(page: Page, slug: string, goal: string): Promise<string> {
  await page.goto(`/w/${slug}/runs`);
  await page.getByRole("button", { name: "Start a run" }).first().click();
  const form = page.getByRole("form", { name: "Start a run" });
  await form.locator('input[type="radio"][value="operations"]').check();
  await form.getByLabel("Goal").fill(goal);
  for (const risk of [/^Read/, /^Write \(local\)/, /^External action/]) {
    await form.getByRole("checkbox", { name: risk }).uncheck();
  }
  await form.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/runs/[0-9a-f-]{36}$`));
  return new URL(page.url()).pathname.split("/").at(-1) as string;
}

test("an admin finds a failed run by the request id its error showed, retries it and watches it succeed", async () => {
  const slug = uniqueSlug("e2e-console");
  consoleSlug = slug;
  const { page: memberPage } = await signedInPage(slug, ["member"]);
  const { page } = await signedInPage(slug, ["admin"]);
  const workspace = await db().workspace.update({ where: { slug }, data: { planMonthlyTokens: 1n } });

  // ── The member's run fails: the plan has no tokens left; the failure names the request that started it ──
  const runId = await startRunFromForm(memberPage, slug, "Keep app-1's disk below 80%");
  await memberPage.locator(`div[data-run-id="${runId}"][data-run-status="failed"]`).waitFor();
  const failure = memberPage.getByRole("alert").filter({ hasText: "Started by request" });
  await failure.getByText("quota_exceeded/quota_exceeded").waitFor();
  const requestId = (await failure.locator("code").textContent())?.trim() ?? "";
  const stored = await db().agentRun.findUniqueOrThrow({ where: { id: runId } });
  expect(requestId).toBe(stored.requestId);
  expect(await memberPage.getByRole("button", { name: "Retry" }).count()).toBe(0); // retry is for admins
  await screenshot(memberPage, "console-01-member-run-failed");

  // ── The admin pastes the id into the console and finds the run ─────────────────────────────────────────
  await page.goto(`/w/${slug}/runs`);
  const finder = page.getByRole("form", { name: "Find by request id" });
  await finder.getByLabel("Request id").fill(requestId);
  await finder.getByRole("button", { name: "Find" }).click();
  const found = page.locator(`a[data-found-run-id="${runId}"]`);
  await found.waitFor();
  await screenshot(page, "console-02-found-by-request-id");
  await found.click();
  await page.locator(`div[data-run-id="${runId}"][data-run-status="failed"]`).waitFor();

  // ── The limit is raised; the admin retries from the dialog with the keyboard (Esc first: nothing happens) ─
  await db().workspace.update({ where: { id: workspace.id }, data: { planMonthlyTokens: 10_000_000n } });
  await db().quotaPeriod.updateMany({ where: { workspaceId: workspace.id }, data: { tokenLimit: 10_000_000n } });
  const retries: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith(`/runs/${runId}/retry`)) {
      retries.push(request.headers()["idempotency-key"] ?? "");
    }
  });
  await page.getByRole("button", { name: "Retry" }).click();
  const dialog = page.getByRole("dialog", { name: "Retry this run from its last good step?" });
  await dialog.waitFor();
  expect(await dialog.getByRole("button", { name: "Retry run" }).evaluate((el) => el === document.activeElement)).toBe(
    true,
  );
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  expect(retries).toEqual([]);
  // The focus is back on the button that opened the dialog.
  expect(await page.getByRole("button", { name: "Retry" }).evaluate((el) => el === document.activeElement)).toBe(true);
  await page.getByRole("button", { name: "Retry" }).click();
  await dialog.waitFor();
  await screenshot(page, "console-03-retry-dialog");
  await page.keyboard.press("Enter");

  await page.locator(`div[data-run-id="${runId}"][data-run-status="succeeded"]`).waitFor({ timeout: 60_000 });
  expect(retries).toHaveLength(1);
  expect(retries[0]).toMatch(/.{16,}/);
  const trail = ((await page.locator("[data-status-trail]").getAttribute("data-status-trail")) ?? "").split(" ");
  expect(trail[0]).toBe("failed");
  expect(trail.at(-1)).toBe("succeeded");
  expect(trail.indexOf("queued")).toBeGreaterThan(0);
  expect(trail.indexOf("running")).toBeGreaterThan(trail.indexOf("queued"));
  await expect.poll(() => page.locator("[data-run-result]").count()).toBe(1);
  const retried = await db().agentRun.findUniqueOrThrow({ where: { id: runId } });
  expect(retried.status).toBe("succeeded");
  expect(retried.attempts).toBe(2);
  expect(
    await db().auditLog.count({ where: { workspaceId: workspace.id, action: "run.retry", targetId: runId } }),
  ).toBe(1);

  // The engine's own view: one engine run per attempt.
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect.poll(() => page.locator("[data-engine-view] [data-engine-run]").count()).toBe(2);
  await screenshot(page, "console-04-run-detail-engine");

  // ── The list with filters kept in the URL: failed → none now; succeeded → the run; reload keeps them ───
  await page.goto(`/w/${slug}/runs`);
  await chooseStatuses(page, ["failed", "timed_out"]);
  await page.waitForURL(/status=failed%2Ctimed_out|status=failed,timed_out/);
  await page.getByText("No runs match these filters").waitFor();
  await chooseStatuses(page, ["succeeded"]);
  await page.locator(`a[data-run-id="${runId}"]`).waitFor();
  await page.getByLabel("Time", { exact: true }).selectOption("24h");
  await page.waitForURL(/range=24h/);
  await page.getByRole("button", { name: /Last progress/ }).click();
  await page.waitForURL(/sort=updated_at/);
  await page.reload();
  await page.locator(`a[data-run-id="${runId}"]`).waitFor();
  expect(await chosenStatuses(page)).toEqual(["succeeded"]);
  expect(await page.getByLabel("Time", { exact: true }).inputValue()).toBe("24h");
  await screenshot(page, "console-05-runs-filtered");

  // ── The generations view ──────────────────────────────────────────────────────────────────────────────
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Generations" }).click();
  await page.waitForURL(`**/w/${slug}/generations?**`);
  await page.getByText("No generations yet").or(page.getByText("No generations match these filters")).waitFor();
  await screenshot(page, "console-06-generations");
  await memberPage.context().close();
});

test("an admin moves the assistant's production label; the next answer used the new version", async () => {
  const slug = uniqueSlug("e2e-labels");
  const { page } = await signedInPage(slug, ["admin", "member"]);
  await page.goto(`/w/${slug}/prompts`);
  await page
    .getByRole("navigation", { name: "Prompts" })
    .getByRole("button", { name: /^assistant v/ })
    .click();
  await page.getByRole("heading", { name: "Labels of assistant" }).waitFor();
  await page.getByLabel("Content").fill("You are Holdfast's assistant.\nAnswer briefly and kindly.");
  await page.getByRole("button", { name: "Save as v2" }).click();
  await page.getByTestId("version-2").waitFor();
  const production = page.getByTestId("label-production");
  await production.getByLabel("Move production to version").selectOption("2");
  await production.getByRole("button", { name: "Move production" }).click();
  await production.getByText("→ v2").waitFor();

  // A new conversation: the answer's "why this answer" names assistant v2.
  await page.getByRole("navigation", { name: "Workspace", exact: true }).getByRole("link", { name: "Chat" }).click();
  await page.getByRole("button", { name: "New conversation" }).first().click();
  await page.waitForURL(new RegExp(`/w/${slug}/chat/[0-9a-f-]{36}$`));
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("What does the production label point at?");
  await box.press("Enter");
  const answer = page.locator('[data-role="assistant"][data-answer-status="succeeded"]:not([data-live])').first();
  await answer.waitFor({ timeout: 60_000 });
  await answer.getByRole("button", { name: "Why this answer" }).click();
  await expect.poll(() => page.locator('[data-field="prompt"]').first().textContent()).toMatch(/assistant\s+v2/);

  // The prompts page counts it (the usage endpoint): v2 is used by one message, v1 by none.
  await page.goto(`/w/${slug}/prompts`);
  const prompts = page.getByRole("navigation", { name: "Prompts" });
  await prompts.getByRole("button", { name: /^assistant v/ }).click();
  await page.locator('[data-version-usage="2"][data-messages="1"][data-runs="0"]').waitFor();
  await page.locator('[data-version-usage="1"][data-messages="0"]').waitFor();
  await screenshot(page, "console-07-prompt-usage");

  // The agent's system prompt is a prompt too: a new version behind production is what the next run records.
  await prompts.getByRole("button", { name: /^agent-operations v/ }).click();
  await page.getByRole("heading", { name: "Labels of agent-operations" }).waitFor();
  const content = page.getByLabel("Content");
  await content.fill(`${await content.inputValue()}\nSay which logs you removed.`);
  await page.getByRole("button", { name: "Save as v2" }).click();
  await page.getByTestId("version-2").waitFor();
  const agentProduction = page.getByTestId("label-production");
  await agentProduction.getByLabel("Move production to version").selectOption("2");
  await agentProduction.getByRole("button", { name: "Move production" }).click();
  await agentProduction.getByText("→ v2").waitFor();
  const runId = await startRunFromForm(page, slug, "Keep app-1's disk below 80%");
  await page.locator(`div[data-run-id="${runId}"][data-run-status="succeeded"]`).waitFor({ timeout: 60_000 });
  expect(await page.locator("[data-prompt-version]").textContent()).toBe("agent-operations@2");
  await page.goto(`/w/${slug}/prompts`);
  await prompts.getByRole("button", { name: /^agent-operations v/ }).click();
  const used = page.locator('[data-version-usage="2"][data-runs="1"]');
  await used.locator(`a[href="/w/${slug}/runs/${runId}"]`).waitFor();
  await page.locator('[data-version-usage="1"][data-runs="0"]').waitFor();

  // ── The generations view: the chat's answer, and an admin resets its conversation (messages stay) ───────
  await page.goto(`/w/${slug}/generations`);
  const row = page.locator('tr[data-generation-status="succeeded"]');
  await row.waitFor();
  await screenshot(page, "console-08-generations");
  await row.getByRole("button", { name: "Reset conversation" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset this conversation?" });
  await dialog.waitFor();
  await page.keyboard.press("Enter");
  await page.locator("[data-canceled-generations]").waitFor();
  expect(await page.locator("[data-canceled-generations]").getAttribute("data-canceled-generations")).toBe("0");

  // The same from the chat's header: the conversation is reset again, its messages still there.
  await row.getByRole("link").first().click();
  await page.waitForURL(new RegExp(`/w/${slug}/chat/[0-9a-f-]{36}$`));
  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await page.getByRole("dialog", { name: "Reset this conversation?" }).waitFor();
  await page.keyboard.press("Enter");
  await page.locator('[data-canceled-generations="0"]').waitFor();
  await page.getByText("What does the production label point at?").first().waitFor();
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  expect(await db().auditLog.count({ where: { workspaceId: workspace.id, action: "conversation.reset" } })).toBe(2);
  expect(await db().message.count({ where: { workspaceId: workspace.id } })).toBe(2);
});

test("the list pages with Load more, sorts both ways and narrows to stuck runs", async () => {
  const slug = uniqueSlug("e2e-paging");
  const { page, persona } = await signedInPage(slug, ["admin"]);
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  const hour = 3_600_000;
  const base = Date.now() - 100 * hour;
  const run = (i: number, status: "succeeded" | "running") => ({
    workspaceId: workspace.id,
    agent: "operations",
    goal: `Seeded run ${String(i).padStart(2, "0")}`,
    constraints: { require_approval: [] },
    budget: { max_steps: 30, max_wall_time_ms: 3_600_000, max_llm_tokens: 60_000, max_cost: 100_000 },
    state: {},
    status,
    deadlineAt: new Date(Date.now() + 2 * hour),
    model: "holdfast-offline-1",
    promptVersion: "agent-operations@1",
    temperature: 0,
    seed: 42,
    requestedById: persona.userId,
    createdAt: new Date(base + i * 60_000),
  });
  await db().agentRun.createMany({
    data: [...Array.from({ length: 55 }, (_, i) => run(i, "succeeded")), run(55, "running"), run(56, "running")],
  });
  // Progress: the two running runs have not moved for an hour (stuck); the others finished right after creation.
  await db().$executeRaw`
    UPDATE agent_runs SET updated_at = CASE WHEN status = 'running' THEN now() - interval '1 hour'
      ELSE created_at + interval '1 minute' END
    WHERE workspace_id = ${workspace.id}::uuid`;

  await page.goto(`/w/${slug}/runs`);
  const rows = page.locator("tr[data-row-run-id]");
  await page.getByText("50+ runs").waitFor();
  expect(await rows.count()).toBe(50);
  expect(await rows.first().textContent()).toContain("Seeded run 56");
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => rows.count()).toBe(57);
  expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
  const ids = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-row-run-id")));
  expect(new Set(ids).size).toBe(57);

  // Oldest first.
  await page.getByRole("button", { name: /^Created/ }).click();
  await page.waitForURL(/order=asc/);
  await expect.poll(() => rows.first().textContent()).toContain("Seeded run 00");
  expect(await page.getByRole("columnheader", { name: /Created/ }).getAttribute("aria-sort")).toBe("ascending");

  await page.getByRole("checkbox", { name: "Stuck only" }).check();
  await page.waitForURL(/stuck=true/);
  await expect.poll(() => rows.count()).toBe(2);
  expect(await rows.getByText("stuck", { exact: true }).count()).toBe(2);
  expect(await rows.first().textContent()).toContain("Seeded run 55");
  await screenshot(page, "console-09-stuck-runs");
});

test("screenshots of the console's pages", async () => {
  expect(consoleSlug, "the first test names the workspace").not.toBe("");
  const { page } = await signedInPage(consoleSlug, ["admin", "member", "billing_owner"]);
  const shots: [string, string][] = [
    ["console-10-runs", "/runs?status=succeeded&sort=updated_at"],
    ["console-11-generations", "/generations"],
    ["console-12-prompts", "/prompts"],
    ["console-13-requests", "/requests"],
    ["console-14-audit", "/audit"],
    ["console-15-usage", "/usage"],
    ["console-16-settings", "/settings"],
  ];
  for (const [name, path] of shots) {
    await page.goto(`/w/${consoleSlug}${path}`);
    await page.locator("h1").first().waitFor();
    await page.waitForLoadState("networkidle");
    expect(await page.getByText(/is for members and admins|Only admins|Only billing owners/).count(), path).toBe(0);
    await screenshot(page, name);
  }

  // On a phone the console fits the screen: the filters wrap, nothing scrolls sideways.
  const { page: phonePage } = await signedInPage(consoleSlug, ["admin"], phone);
  for (const [name, path] of [
    ["console-17-runs-phone", "/runs?status=succeeded"],
    ["console-18-generations-phone", "/generations"],
  ] as const) {
    await phonePage.goto(`/w/${consoleSlug}${path}`);
    await phonePage.getByRole("group", { name: "Status" }).waitFor();
    await phonePage.waitForLoadState("networkidle");
    const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
    await screenshot(phonePage, name);
  }
});
