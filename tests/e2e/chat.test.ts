import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createTestDatabase } from "../helpers/database";
import { uniqueEmail } from "../helpers/fixtures";
import { type Product, startProduct } from "../helpers/product";
import { collectPageErrors, laptop, launchBrowser, phone, screenshot } from "./browser";

// The chat in a real browser (Debian's Chromium) against its own Holdfast whose offline model streams slowly
// (150 ms per chunk), so that there is time to act mid-answer: send (pending → confirmed), a streamed answer,
// a reload mid-stream that picks the answer up again, going offline and back mid-stream (the answer finishes with
// exactly the stored text), a send that fails offline and is retried under the same Idempotency-Key, stop (button
// and Esc) keeping the partial text, the "why this answer" panel, a title edited in two tabs with the conflict
// resolved both ways, drafts kept over a reload, quota and busy errors, and the phone layout.
// Waits are on visible outcomes (DOM, text, requests), never on time.

const PASSWORD = "correct-horse-battery";
const QUESTION =
  "How should a small research team plan the migration of nightly batch pipelines, archived datasets and reporting dashboards to the new cluster?";

let product: Product;
let databaseUrl: string;
let browser: Browser;
const pageErrors: string[][] = [];

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "chat_e2e");
  product = await startProduct({ databaseUrl, env: { HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "150" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

type StoredMessage = { id: string; seq: number; role: string; content: string; status: string; generation_id: string };

async function newContext(options: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext> {
  return browser.newContext({ ...options, baseURL: product.url });
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  pageErrors.push(collectPageErrors(page));
  return page;
}

/** The log as the server has it, read with the page's own session. */
async function storedMessages(page: Page, slug: string, conversationId: string): Promise<StoredMessage[]> {
  return page.evaluate(
    async ([ws, id]) => {
      const response = await fetch(`/api/v1/workspaces/${ws}/conversations/${id}/messages?limit=100`);
      return ((await response.json()) as { data: StoredMessage[] }).data;
    },
    [slug, conversationId] as const,
  );
}

const answer = (page: Page, generationId: string) =>
  page.locator(`[data-role="assistant"][data-generation-id="${generationId}"]`);
const answerText = (page: Page, generationId: string) => answer(page, generationId).locator("[data-answer-text]");

/** Text length of an answer as rendered now (0 before its first chunk). */
const renderedLength = (page: Page, generationId: string) =>
  page.evaluate(
    (id) =>
      document.querySelector(`[data-role="assistant"][data-generation-id="${id}"] [data-answer-text]`)?.textContent
        ?.length ?? 0,
    generationId,
  );

/** Waits until the answer of `generationId` renders more than `length` characters. */
const waitForLongerThan = (page: Page, generationId: string, length: number) =>
  page.waitForFunction(
    ([id, min]) =>
      (document.querySelector(`[data-role="assistant"][data-generation-id="${id}"] [data-answer-text]`)?.textContent
        ?.length ?? 0) > min,
    [generationId, length] as const,
  );

/** Sends `text` from the composer with the Enter key and returns the generation id of the answer that appears. */
async function sendWithEnter(page: Page, text: string): Promise<string> {
  const known = await page
    .locator('[data-role="assistant"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute("data-generation-id") ?? ""));
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  const handle = await page.waitForFunction(
    (before) =>
      [...document.querySelectorAll('[data-role="assistant"]')]
        .map((el) => el.getAttribute("data-generation-id") ?? "")
        .find((id) => id && !before.includes(id)),
    known,
  );
  return (await handle.jsonValue()) as string;
}

/** Waits for the stored (no longer live) answer of a generation, in the given status. */
async function waitForStoredAnswer(page: Page, generationId: string, status: "succeeded" | "canceled") {
  await page
    .locator(
      `[data-role="assistant"][data-generation-id="${generationId}"][data-answer-status="${status}"]:not([data-live])`,
    )
    .waitFor();
}

test("chat: send, stream, reload and offline resume, retry, stop, why-this-answer, title conflict, phone", async () => {
  const tag = randomBytes(3).toString("hex");
  const carol = { name: "Carol Chat", email: uniqueEmail("carol") };

  // ── Sign up through the UI, create a workspace, open Chat from the workspace nav ─────────────────────
  const laptopContext = await newContext(laptop);
  const page = await newPage(laptopContext);
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill(carol.name);
  await page.getByLabel("Email", { exact: true }).fill(carol.email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/workspaces/new");
  await page.getByLabel("Workspace name").fill(`Chat Lab ${tag}`);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/w\/[a-z0-9-]+$/);
  const slug = new URL(page.url()).pathname.split("/")[2] as string;

  await page.getByRole("navigation", { name: "Workspace", exact: true }).getByRole("link", { name: "Chat" }).click();
  await page.waitForURL(`**/w/${slug}/chat`);
  await page.getByText("No conversations yet").waitFor();
  await page.getByText("Start your first conversation").waitFor();
  await screenshot(page, "chat-01-empty");

  // ── A new conversation; the first send is shown pending (the POST is held), then confirmed ───────────
  await page.getByRole("button", { name: "New conversation" }).first().click();
  await page.waitForURL(new RegExp(`/w/${slug}/chat/[0-9a-f-]{36}$`));
  const conversationId = new URL(page.url()).pathname.split("/").at(-1) as string;
  await page.locator(`[data-conversation-id="${conversationId}"][data-loaded="true"]`).waitFor();
  await page.getByText("No messages yet").waitFor();
  // The composer has focus, and the offline model is named as such.
  expect(await page.getByRole("textbox", { name: "Message" }).evaluate((el) => el === document.activeElement)).toBe(
    true,
  );
  await page.locator("form[aria-label='Send a message'] [data-badge='offline-model']").waitFor();
  await screenshot(page, "chat-02-new-conversation");

  const sendKeys: string[] = [];
  const streamRequests: string[] = [];
  const watchRequests = (target: Page) =>
    target.on("request", (request: Request) => {
      if (request.method() === "POST" && /\/conversations\/[^/]+\/messages$/.test(request.url())) {
        sendKeys.push(request.headers()["idempotency-key"] ?? "");
      }
      if (request.url().includes("/stream?")) streamRequests.push(request.url());
    });
  watchRequests(page);

  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/conversations/*/messages", async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(QUESTION);
  await box.press("Enter");
  await page.locator('[data-send-state="pending"]').getByText(QUESTION).waitFor();
  expect(await box.inputValue()).toBe(""); // the draft is cleared on send
  await screenshot(page, "chat-03-send-pending");
  release();
  await page.locator('[data-send-state="confirmed"]').getByText(QUESTION).waitFor();
  await page.unroute("**/conversations/*/messages");

  // ── The answer streams in ─────────────────────────────────────────────────────────────────────────────
  const live = page.locator('[data-role="assistant"][data-live="true"]');
  await live.waitFor();
  const first = (await live.getAttribute("data-generation-id")) as string;
  await waitForLongerThan(page, first, 0);
  await answer(page, first).locator("[data-badge='offline-model']").waitFor();
  // The first message named the conversation (If-Match; only while it still had the default title).
  await page.locator("[data-conversation-title]").getByText("How should a small research team").waitFor();
  await screenshot(page, "chat-04-streaming");

  // ── Reload mid-stream: the answer is found again (generation still running) and continues ─────────────
  const beforeReload = await renderedLength(page, first);
  streamRequests.length = 0;
  await page.reload();
  await answer(page, first).and(page.locator('[data-live="true"]')).waitFor();
  expect(await answer(page, first).getAttribute("data-answer-status")).toMatch(/^(queued|running)$/);
  await waitForLongerThan(page, first, beforeReload);
  // After the reload it was resumed from the start of the generation (seq 0), so all text so far is shown.
  expect(streamRequests.some((url) => url.includes(`/generations/${first}/stream?after_seq=0`))).toBe(true);
  await screenshot(page, "chat-05-resumed-after-reload");
  await waitForStoredAnswer(page, first, "succeeded");
  let stored = await storedMessages(page, slug, conversationId);
  const firstStored = stored.find((m) => m.role === "assistant" && m.generation_id === first);
  expect(firstStored?.status).toBe("completed");
  expect(await answerText(page, first).textContent()).toBe(firstStored?.content);
  expect(await answer(page, first).getAttribute("data-stream-check")).toBe("exact");
  await screenshot(page, "chat-06-answer-complete");

  // ── Offline mid-stream: "reconnecting…", then back online it resumes after the last seq and ends exact ──
  const second = await sendWithEnter(page, "Next, list the risks of moving the archived datasets first.");
  await waitForLongerThan(page, second, 0);
  streamRequests.length = 0;
  await laptopContext.setOffline(true);
  await answer(page, second).locator("[data-reconnecting]").waitFor();
  const offlineLength = await renderedLength(page, second);
  expect(offlineLength).toBeGreaterThan(0);
  await screenshot(page, "chat-07-offline-reconnecting");

  // A send while offline fails; its Retry reuses the same Idempotency-Key.
  sendKeys.length = 0;
  await box.fill("And what about the dashboards?");
  await box.press("Enter");
  const failedSend = page.locator('[data-send-state="failed"]');
  await failedSend.getByText("Not sent: no connection").waitFor();
  await failedSend.getByRole("button", { name: "Retry" }).waitFor();
  await screenshot(page, "chat-08-offline-send-failed");

  await laptopContext.setOffline(false);
  await answer(page, second).locator("[data-reconnecting]").waitFor({ state: "detached" });
  await waitForStoredAnswer(page, second, "succeeded");
  // It resumed where it was: the reconnect asked for the seqs after the last one applied, not from 0.
  const resumedFrom = streamRequests
    .filter((url) => url.includes(`/generations/${second}/stream`))
    .map((url) => Number(new URL(url).searchParams.get("after_seq")));
  expect(resumedFrom.length).toBeGreaterThan(0);
  expect(Math.min(...resumedFrom)).toBeGreaterThan(0);
  stored = await storedMessages(page, slug, conversationId);
  const secondStored = stored.find((m) => m.role === "assistant" && m.generation_id === second);
  expect(await answerText(page, second).textContent()).toBe(secondStored?.content);
  expect(await answer(page, second).getAttribute("data-stream-check")).toBe("exact");

  await failedSend.getByRole("button", { name: "Retry" }).click();
  await page.locator('[data-send-state="confirmed"]').getByText("And what about the dashboards?").waitFor();
  expect(sendKeys.length).toBe(2);
  expect(sendKeys[0]).toBeTruthy();
  expect(sendKeys[1]).toBe(sendKeys[0]);
  const thirdUser = (await storedMessages(page, slug, conversationId)).filter(
    (m) => m.content === "And what about the dashboards?",
  );
  expect(thirdUser.length).toBe(1);
  const third = thirdUser[0]?.generation_id as string;
  await waitForStoredAnswer(page, third, "succeeded");
  await screenshot(page, "chat-09-back-online-complete");

  // ── Stop with the button: the partial text stays, marked "stopped" ──────────────────────────────────────
  const fourth = await sendWithEnter(page, "Write a detailed week-by-week schedule for the whole migration.");
  await waitForLongerThan(page, fourth, 20);
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForStoredAnswer(page, fourth, "canceled");
  await answer(page, fourth).locator("[data-stopped]").waitFor();
  stored = await storedMessages(page, slug, conversationId);
  const fourthStored = stored.find((m) => m.role === "assistant" && m.generation_id === fourth);
  expect(fourthStored?.status).toBe("canceled");
  expect(fourthStored?.content.length).toBeGreaterThan(0);
  expect(await answerText(page, fourth).textContent()).toBe(fourthStored?.content);
  expect(fourthStored?.content).not.toContain("(Deterministic reply"); // cut short before the closing line
  await screenshot(page, "chat-10-stopped");

  // …and with Esc, from the keyboard.
  const fifth = await sendWithEnter(page, "One more: summarize the plan in three bullet points please.");
  await waitForLongerThan(page, fifth, 0);
  await page.keyboard.press("Escape");
  await waitForStoredAnswer(page, fifth, "canceled");

  // ── Why this answer: the version stamp and the exact context that was sent ──────────────────────────────
  await answer(page, first).getByRole("button", { name: "Why this answer" }).click();
  const why = page.locator(`[data-why-panel="${firstStored?.id}"]`);
  await why.locator("[data-context-build]").waitFor();
  expect(await why.locator('[data-field="prompt"]').textContent()).toMatch(/assistant v\d+/);
  expect(await why.locator('[data-field="model"]').textContent()).toContain("holdfast-offline-1");
  await why.locator('[data-field="model"] [data-badge="offline-model"]').waitFor();
  expect(await why.locator('[data-field="provider-version"]').textContent()).toMatch(/offline/);
  expect(await why.locator('[data-field="params"]').textContent()).toMatch(/temperature [\d.]+, seed \d+/);
  expect(await why.locator('[data-field="usage"]').textContent()).toMatch(/\d+ in · \d+ out/);
  expect(await why.locator('[data-field="cost"]').textContent()).toMatch(/^\$\d/);
  expect(await why.locator('[data-context-role="system"]').count()).toBe(1);
  expect(await why.locator('[data-context-role="user"]').first().textContent()).toContain(QUESTION);
  await why.scrollIntoViewIfNeeded();
  await screenshot(page, "chat-11-why-this-answer");

  // ── The title, edited in two tabs: a conflict, resolved by reapplying; then by keeping theirs ──────────
  const tabB = await newPage(laptopContext);
  watchRequests(tabB);
  await tabB.goto(`/w/${slug}/chat/${conversationId}`);
  await tabB.locator(`[data-conversation-id="${conversationId}"][data-loaded="true"]`).waitFor();

  const rename = async (target: Page, title: string) => {
    await target.getByRole("button", { name: "Rename conversation" }).click();
    const input = target.getByRole("textbox", { name: "Conversation title" });
    await input.fill(title);
    await input.press("Enter");
  };
  await rename(page, "Migration plan (tab A)");
  await page.getByRole("status").filter({ hasText: "Title saved." }).waitFor();
  expect(
    await page.getByRole("button", { name: "Rename conversation" }).evaluate((el) => el === document.activeElement),
  ).toBe(true);

  await rename(tabB, "Cluster migration (tab B)");
  const conflictB = tabB.getByRole("alert").filter({ hasText: "Changed elsewhere" });
  await conflictB.waitFor();
  expect(await conflictB.textContent()).toContain("changed elsewhere to “Migration plan (tab A)”");
  await tabB.locator("[data-conversation-title]").getByText("Migration plan (tab A)").waitFor();
  await screenshot(tabB, "chat-12-title-conflict");
  await conflictB.getByRole("button", { name: "Reapply my title" }).click();
  await tabB.locator("[data-conversation-title]").getByText("Cluster migration (tab B)").waitFor();
  await conflictB.waitFor({ state: "detached" });

  // Tab A is stale now: its rename conflicts too, and this time it keeps the other tab's title.
  await rename(page, "Something else (tab A)");
  const conflictA = page.getByRole("alert").filter({ hasText: "Changed elsewhere" });
  await conflictA.waitFor();
  expect(await conflictA.textContent()).toContain("“Cluster migration (tab B)”");
  await conflictA.getByRole("button", { name: "Keep theirs" }).click();
  await conflictA.waitFor({ state: "detached" });
  await page.locator("[data-conversation-title]").getByText("Cluster migration (tab B)").waitFor();
  const title = await page.evaluate(
    async ([ws, id]) =>
      (
        (await (await fetch(`/api/v1/workspaces/${ws}/conversations/${id}`)).json()) as {
          conversation: { title: string };
        }
      ).conversation.title,
    [slug, conversationId] as const,
  );
  expect(title).toBe("Cluster migration (tab B)");
  // The sidebar follows the server's title.
  await page.getByRole("navigation", { name: "Conversations" }).getByText("Cluster migration (tab B)").waitFor();
  await tabB.close();

  // ── A draft survives a reload (local only); Shift+Enter is a new line, not a send ──────────────────────────
  const userMessagesBefore = await page.locator('[data-role="user"]').count();
  await box.fill("A draft I have not sent yet,");
  await box.press("Shift+Enter");
  await box.pressSequentially("over two lines");
  expect(await box.inputValue()).toBe("A draft I have not sent yet,\nover two lines");
  expect(await page.locator('[data-role="user"]').count()).toBe(userMessagesBefore);
  await page.reload();
  await page.locator(`[data-conversation-id="${conversationId}"][data-loaded="true"]`).waitFor();
  await page.waitForFunction(
    () =>
      (document.querySelector("textarea") as HTMLTextAreaElement | null)?.value ===
      "A draft I have not sent yet,\nover two lines",
  );
  await screenshot(page, "chat-13-draft-restored");
  await box.fill("");

  // ── Busy policy `reject`: a second message while an answer runs is refused, with the server's message ──
  const setPolicy = await page.evaluate(
    async ([ws, id]) => {
      const current = await fetch(`/api/v1/workspaces/${ws}/conversations/${id}`);
      const response = await fetch(`/api/v1/workspaces/${ws}/conversations/${id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", "if-match": current.headers.get("etag") ?? "" },
        body: JSON.stringify({ settings: { busy_policy: "reject" } }),
      });
      return response.status;
    },
    [slug, conversationId] as const,
  );
  expect(setPolicy).toBe(200);
  const sixth = await sendWithEnter(page, "Start a long answer so that the next message finds it busy.");
  await waitForLongerThan(page, sixth, 0);
  await box.fill("This one should be refused while busy.");
  await box.press("Enter");
  const busy = page.locator('[data-send-state="failed"]').filter({ hasText: "This one should be refused while busy." });
  await busy.getByText("Not sent: an answer is still being generated").waitFor();
  await busy.getByText("An answer is still being generated in this conversation").waitFor();
  expect(await busy.getByRole("button", { name: "Retry" }).count()).toBe(0); // a saved error: a retry would replay it
  await screenshot(page, "chat-14-busy-rejected");
  await page.getByRole("button", { name: "Stop generating" }).click();
  await waitForStoredAnswer(page, sixth, "canceled");
  await busy.getByRole("button", { name: "Discard" }).click();
  await busy.waitFor({ state: "detached" });

  // ── Quota exhausted: the send fails with the envelope's message ──────────────────────────────────────────
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(
      "UPDATE quota_periods SET token_limit = 0 WHERE workspace_id = (SELECT id FROM workspaces WHERE slug = $1)",
      [slug],
    );
  } finally {
    await db.end();
  }
  await box.fill("Is there any quota left?");
  await box.press("Enter");
  const quota = page.locator('[data-send-state="failed"]').filter({ hasText: "Is there any quota left?" });
  await quota.getByText("Not sent: the workspace is out of quota").waitFor();
  await quota.getByText("The workspace has used its model tokens for this month").waitFor();
  await screenshot(page, "chat-15-quota-exceeded");
  await quota.getByRole("button", { name: "Edit" }).click();
  expect(await box.inputValue()).toBe("Is there any quota left?");
  await box.fill("");

  // ── Phone: the list, then the conversation with a way back, and the why panel ───────────────────────────
  const phoneContext = await newContext({ ...phone, storageState: await laptopContext.storageState() });
  const mobile = await newPage(phoneContext);
  await mobile.goto(`/w/${slug}/chat`);
  const list = mobile.getByRole("navigation", { name: "Conversations" });
  await list.getByText("Cluster migration (tab B)").waitFor();
  expect(await mobile.getByRole("textbox", { name: "Message" }).count()).toBe(0);
  await screenshot(mobile, "chat-16-phone-list");
  await list.getByText("Cluster migration (tab B)").click();
  await mobile.waitForURL(`**/chat/${conversationId}`);
  await mobile.locator(`[data-conversation-id="${conversationId}"][data-loaded="true"]`).waitFor();
  await mobile.getByRole("link", { name: "Back to conversations" }).waitFor();
  await waitForStoredAnswer(mobile, fourth, "canceled");
  await screenshot(mobile, "chat-17-phone-conversation");
  await answer(mobile, fourth).getByRole("button", { name: "Why this answer" }).click();
  await mobile.locator("[data-context-build]").first().waitFor();
  await mobile.locator("[data-context-build]").first().scrollIntoViewIfNeeded();
  await screenshot(mobile, "chat-18-phone-why-this-answer");
  await mobile.getByRole("link", { name: "Back to conversations" }).click();
  await mobile.waitForURL(`**/w/${slug}/chat`);
  await list.waitFor();

  await phoneContext.close();
  await laptopContext.close();
  expect(pageErrors.flat()).toEqual([]);
}, 240_000);
