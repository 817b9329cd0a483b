import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { uniqueEmail } from "../helpers/fixtures";
import { chooseStatuses, laptop, phone, screenshot } from "./browser";
import { browserSuite } from "./suite";

// Agent runs in a real browser against the shared Holdfast (web server + engine, offline model): start the
// operations agent with approval required for write_local, watch the live timeline reach the approval, approve it
// in the page, watch the run finish succeeded with the disk at 73%, and the ledger with exactly one clean_logs.
// Then the list with its status filter, and the phone layout. Waits are on the DOM, never on time.

const PASSWORD = "correct-horse-battery";
const { newPage, pageErrors } = browserSuite({ timeoutMs: 30_000 });

type LedgerRow = { tool: string; status: string };
type ApprovalRow = { tool: string; status: string; note: string | null };

async function api<T>(page: Page, url: string): Promise<T> {
  return page.evaluate(async (path) => (await (await fetch(path)).json()) as T, url);
}

test("runs: start the operations agent, approve in the UI, watch it succeed; ledger, list, phone", async () => {
  const tag = randomBytes(3).toString("hex");
  const page = await newPage(laptop);
  const context = page.context();

  // ── Sign up, create a workspace, open Runs from the workspace nav ─────────────────────────────────────
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill("Rita Runs");
  await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("rita"));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/workspaces/new");
  await page.getByLabel("Workspace name").fill(`Runs Lab ${tag}`);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/w\/[a-z0-9-]+$/);
  const slug = new URL(page.url()).pathname.split("/")[2] as string;

  await page.getByRole("navigation", { name: "Workspace", exact: true }).getByRole("link", { name: "Runs" }).click();
  await page.waitForURL(`**/w/${slug}/runs`);
  await page.getByText("No runs yet").waitFor();
  await screenshot(page, "runs-01-empty");

  // ── The start form: operations agent, its tools and risks, approval for write_local only ──────────────
  await page.getByRole("button", { name: "Start a run" }).first().click();
  const form = page.getByRole("form", { name: "Start a run" });
  await form.waitFor();
  await form.locator('input[type="radio"][value="operations"]').check();
  await form.getByRole("list", { name: "Tools of operations" }).getByText("clean_logs").waitFor();
  await form.getByLabel("Goal").fill("Keep app-1's disk below 80%");
  await form.getByRole("checkbox", { name: /^Write \(local\)/ }).check();
  await form.getByRole("checkbox", { name: /^External action/ }).uncheck();
  await form.getByRole("checkbox", { name: /^Read/ }).uncheck();
  expect(await form.getByRole("checkbox", { name: "Dry run" }).isChecked()).toBe(false);
  await screenshot(page, "runs-02-form");
  await form.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(new RegExp(`/w/${slug}/runs/[0-9a-f-]{36}$`));
  const runId = new URL(page.url()).pathname.split("/").at(-1) as string;
  await page.locator(`div[data-run-id="${runId}"]`).waitFor();

  // ── The live timeline reaches the approval: check_disk done, clean_logs waits for a person ────────────
  const pending = page.locator('section[data-approval-status="pending"]');
  await pending.getByText("Approval needed").waitFor();
  await pending.getByText("clean_logs").first().waitFor();
  await page.locator(`div[data-run-id="${runId}"][data-run-status="waiting_approval"]`).waitFor();
  await page.locator('[data-step-kind="tool"][data-step-status="succeeded"]').first().waitFor();
  await expect.poll(() => page.locator('[data-fact="check_disk.usedPercent"]').textContent()).toMatch(/^86/);
  await page.getByRole("button", { name: "Cancel run" }).waitFor();
  await screenshot(page, "runs-03-approval");

  // ── Approve from the keyboard with a note; the run finishes succeeded, disk at 73% ────────────────────
  await pending.getByLabel(/^Note/).fill("Rotated logs only, go ahead");
  await pending.getByRole("button", { name: "Approve" }).focus();
  await page.keyboard.press("Enter");
  await page.locator(`div[data-run-id="${runId}"][data-run-status="succeeded"]`).waitFor();
  // The status comes from the stream at once; the result arrives with the next reload of the run.
  await expect.poll(() => page.locator("[data-run-result]").textContent()).toContain("73%");
  await expect.poll(() => page.locator('[data-fact="check_disk.usedPercent"]').textContent()).toMatch(/^73/);
  await page.locator('[data-approval-status="approved"]').getByText("Rotated logs only, go ahead").waitFor();
  await page.locator('[data-ledger-tool="clean_logs"][data-ledger-status="performed"]').waitFor();
  expect(await page.locator('[data-ledger-tool="clean_logs"]').count()).toBe(1);
  expect(await page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
  // The state history per step: the first model turn wrote the plan, the tool steps added facts.
  await page.locator('[data-step="1"] [data-patch-op="replace_plan"]').waitFor();
  await page.locator('[data-step-kind="tool"] [data-patch-op="add_facts"]').first().waitFor();
  expect(await page.locator('[data-patch-op="raise_flag"][data-flag-code="goal_drift"]').count()).toBe(0);
  await screenshot(page, "runs-04-succeeded");

  // The API agrees: one clean-up in the ledger, one approval, approved with the note.
  const ledger = await api<{ data: LedgerRow[] }>(page, `/api/v1/workspaces/${slug}/ledger?run_id=${runId}`);
  expect(ledger.data.filter((row) => row.tool === "clean_logs")).toEqual([
    expect.objectContaining({ tool: "clean_logs", status: "performed" }),
  ]);
  const approvals = await api<{ data: ApprovalRow[] }>(page, `/api/v1/workspaces/${slug}/runs/${runId}/approvals`);
  expect(approvals.data).toEqual([
    expect.objectContaining({ tool: "clean_logs", status: "approved", note: "Rotated logs only, go ahead" }),
  ]);

  // ── The list: the run is there, the status filter narrows it ──────────────────────────────────────────
  await page.getByRole("link", { name: "All runs" }).click();
  await page.waitForURL(`**/w/${slug}/runs`);
  await page.locator(`a[data-run-id="${runId}"] [data-run-status="succeeded"]`).waitFor();
  await chooseStatuses(page, ["failed"]);
  await page.getByText("No failed runs").waitFor();
  await chooseStatuses(page, ["succeeded"]);
  await page.locator(`a[data-run-id="${runId}"]`).waitFor();
  await screenshot(page, "runs-05-list");

  // ── Phone: the list and the finished run ──────────────────────────────────────────────────────────────
  const phonePage = await newPage({ ...phone, storageState: await context.storageState() });
  await phonePage.goto(`/w/${slug}/runs`);
  await phonePage.locator(`a[data-run-id="${runId}"]`).waitFor();
  await screenshot(phonePage, "runs-06-phone-list");
  await phonePage.locator(`a[data-run-id="${runId}"]`).click();
  await phonePage.locator(`div[data-run-id="${runId}"][data-run-status="succeeded"]`).waitFor();
  await phonePage.locator('[data-ledger-tool="clean_logs"]').waitFor();
  const overflow = await phonePage.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(phonePage, "runs-07-phone-run");

  // ── The World: the cleaned server at 73% without its old rotated logs, the empty outbox, the records ─
  await page.getByRole("navigation", { name: "Workspace", exact: true }).getByRole("link", { name: "World" }).click();
  await page.waitForURL(`**/w/${slug}/world`);
  const server = page.locator('[data-world-section="server"]');
  await server.locator('[data-disk-used-percent="73"]').waitFor();
  await server.locator('[data-log-path="/var/log/app/app.log"]').waitFor();
  expect(await server.locator('[data-log-path="/var/log/app/app.log.2.gz"]').count()).toBe(0);
  await page.locator('[data-world-section="outbox"]').getByText("No emails sent yet").waitFor();
  await page.locator('[data-world-section="records"] [data-record="customer:cus_1001"]').waitFor();
  await screenshot(page, "runs-08-world");

  // An unknown run says so.
  await phonePage.goto(`/w/${slug}/runs/00000000-0000-4000-8000-000000000000`);
  await phonePage.getByText("This run does not exist").waitFor();

  await phonePage.context().close();
  await context.close();
  expect(pageErrors.flat()).toEqual([]);
});
