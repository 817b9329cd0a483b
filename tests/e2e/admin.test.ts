import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { db } from "@/lib/db";
import { uniqueSlug } from "../helpers/fixtures";
import { screenshot } from "./browser";
import { browserSuite } from "./suite";

// The admin console in a real browser: an admin moves a prompt label (and meets a stale-label conflict), a
// billing owner sees the usage chart and downloads the CSV, which is compared with the ledger.

const { signedInPage } = browserSuite();

test("an admin creates a version and moves the production label, resolving a stale-label conflict", async () => {
  const slug = uniqueSlug("e2e-admin");
  const { page, persona } = await signedInPage(slug, ["admin"]);
  await page.goto(`/w/${slug}/prompts`);
  await page.getByRole("heading", { name: "Labels of assistant" }).waitFor();
  await page.getByRole("navigation", { name: "Workspace", exact: true }).getByRole("link", { name: "Usage" }).waitFor();

  await page.getByLabel("Content").fill("You are Holdfast's assistant.\nAlways answer in one sentence.");
  await page.getByRole("button", { name: "Save as v2" }).click();
  await page.getByTestId("version-2").waitFor();
  await page.getByRole("button", { name: "Diff with v1" }).click();
  await page.getByTestId("prompt-diff").getByText("+ Always answer in one sentence.").waitFor();
  await screenshot(page, "admin-01-prompt-diff");

  // Someone else moves staging behind this page's back: the page's move is refused (412) and says so.
  const staging = page.getByTestId("label-staging");
  await staging.getByLabel("Move staging to version").selectOption("2");
  const moved = await persona.api(`/api/v1/workspaces/${slug}/prompts/assistant/labels/staging`, {
    method: "PUT",
    headers: { "if-match": '"1"' },
    body: '{"version":2}',
  });
  expect(moved.status).toBe(200);
  await staging.getByRole("button", { name: "Move staging" }).click();
  await page.getByText("Someone moved this label since you loaded it").waitFor();
  await screenshot(page, "admin-02-label-conflict");
  await page.getByRole("button", { name: "Reload labels" }).click();
  await staging.getByText("→ v2").waitFor();

  const production = page.getByTestId("label-production");
  await production.getByLabel("Move production to version").selectOption("2");
  await production.getByRole("button", { name: "Move production" }).click();
  await production.getByText("→ v2").waitFor();
  await screenshot(page, "admin-03-label-moved");
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  const label = await db().promptLabel.findUniqueOrThrow({
    where: { workspaceId_name_label: { workspaceId: workspace.id, name: "assistant", label: "production" } },
  });
  expect(label.version).toBe(2);
});

test("a billing owner sees the usage chart and downloads a CSV that matches the ledger", async () => {
  const slug = uniqueSlug("e2e-billing");
  const { page } = await signedInPage(slug, ["billing_owner"]);
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  const today = new Date();
  const day = (offset: number) =>
    new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), Math.max(1, today.getUTCDate() - offset), 12));
  await db().usageEntry.createMany({
    data: [
      {
        workspaceId: workspace.id,
        kind: "model_call",
        model: "gpt-x",
        inputTokens: 1200,
        outputTokens: 300,
        costMicros: 4_567_891n,
        createdAt: day(0),
      },
      {
        workspaceId: workspace.id,
        kind: "model_call",
        model: "gpt-y",
        inputTokens: 800,
        outputTokens: 100,
        costMicros: 1_111_111n,
        createdAt: day(1),
      },
      {
        workspaceId: workspace.id,
        kind: "tool_call",
        inputTokens: 0,
        outputTokens: 0,
        costMicros: 3n,
        createdAt: day(0),
      },
    ],
  });
  await page.goto(`/w/${slug}/usage`);
  await page.getByTestId("usage-chart").waitFor();
  await page.getByText("Total: 2,400 tokens, $5.679005").waitFor();
  await page.getByRole("cell", { name: "gpt-x" }).waitFor();
  await screenshot(page, "admin-04-usage");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  const file = await download.path();
  const { readFile } = await import("node:fs/promises");
  const csv = (await readFile(file, "utf8")).trim().split("\r\n");
  const columns = (csv[0] ?? "").split(",");
  const sum = csv
    .slice(1)
    .reduce((total, line) => total + BigInt(line.split(",")[columns.indexOf("cost_micros")] ?? "0"), 0n);
  const [ledger] = await db().$queryRaw<{ cost: bigint }[]>`
    SELECT sum(cost_micros)::bigint AS cost FROM usage_entries WHERE workspace_id = ${workspace.id}::uuid`;
  expect(sum).toBe(ledger?.cost);
});

test("a member sees neither Usage nor Requests in the navigation", async () => {
  const slug = uniqueSlug("e2e-member");
  const { page }: { page: Page } = await signedInPage(slug, ["member"]);
  await page.goto(`/w/${slug}`);
  const nav = page.getByRole("navigation", { name: "Workspace", exact: true });
  await nav.getByRole("link", { name: "Prompts" }).waitFor();
  expect(await nav.getByRole("link", { name: "Usage" }).count()).toBe(0);
  expect(await nav.getByRole("link", { name: "Requests" }).count()).toBe(0);
});
