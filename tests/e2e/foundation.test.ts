import { randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { appUrl, uniqueEmail } from "../helpers/fixtures";
import { laptop, phone, screenshot } from "./browser";
import { browserSuite } from "./suite";

// The foundation in a real browser (Debian's Chromium): sign up, create a workspace, invite a second person
// who signs up on a phone and accepts, change their role (and resolve a stale-version conflict), revoke one of
// their sessions from another device and see the revoked device bounced to sign-in, API tokens, sign-out.
// Waits are on visible outcomes (URLs, texts, elements), never on time.

const PASSWORD = "correct-horse-battery";
const { newPage, pageErrors } = browserSuite();

test("sign up → workspace → invite → accept → role change → revoke a session from another device", async () => {
  const base = appUrl();
  const tag = randomBytes(3).toString("hex");
  const alice = { name: "Alice Admin", email: uniqueEmail("alice") };
  const bob = { name: "Bob Builder", email: uniqueEmail("bob") };
  const workspaceName = `Acme Research ${tag}`;

  // ── Alice, on a laptop: sign up and create a workspace ──────────────────────────────────────────────
  const a = await newPage(laptop);
  await a.goto("/");
  await a.waitForURL("**/signin");
  await a.getByRole("heading", { name: "Sign in to Holdfast" }).waitFor();
  await screenshot(a, "01-signin");

  await a.getByRole("link", { name: "Create an account" }).click();
  await a.waitForURL("**/signup");
  await a.getByLabel("Name", { exact: true }).fill(alice.name);
  await a.getByLabel("Email", { exact: true }).fill(alice.email);
  await a.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await screenshot(a, "02-signup");
  await a.getByRole("button", { name: "Create account" }).click();

  await a.waitForURL("**/workspaces/new");
  await a.getByRole("heading", { name: `Welcome, ${alice.name}` }).waitFor();
  await screenshot(a, "03-create-workspace");
  await a.getByLabel("Workspace name").fill(workspaceName);
  await a.getByRole("button", { name: "Create workspace" }).click();
  await a.waitForURL(/\/w\/[a-z0-9-]+$/);
  const slug = new URL(a.url()).pathname.split("/")[2] as string;
  await a.getByRole("heading", { name: workspaceName }).waitFor();
  await screenshot(a, "04-workspace-overview");

  // Keyboard path: the workspace switcher opens with Enter, focuses its first entry, closes with Escape.
  const switcher = a.getByRole("button", { name: `Workspace: ${workspaceName}. Switch workspace` });
  await switcher.focus();
  await a.keyboard.press("Enter");
  const firstEntry = a.getByRole("link", { name: workspaceName });
  await a.waitForFunction((name) => document.activeElement?.textContent?.includes(name), workspaceName);
  expect(await firstEntry.getAttribute("aria-current")).toBe("page");
  await screenshot(a, "05-workspace-switcher-open");
  await a.keyboard.press("Escape");
  await firstEntry.waitFor({ state: "hidden" });
  expect(await switcher.evaluate((element) => element === document.activeElement)).toBe(true);

  // …and the section links are plain links: focus + Enter navigates.
  await a
    .getByRole("navigation", { name: "Workspace", exact: true })
    .getByRole("link", { name: "Members" })
    .press("Enter");
  await a.waitForURL(`**/w/${slug}/members`);
  await a.getByRole("list", { name: "Members" }).getByText(alice.email).waitFor();
  await a.getByText("No pending invitations").waitFor();

  // ── Alice invites Bob; the link is shown to copy ───────────────────────────────────────────────────
  await a.getByLabel("Email address").fill(bob.email);
  await a.getByRole("button", { name: "Create invitation link" }).click();
  const inviteUrl = await a.getByLabel("Invitation link").inputValue();
  expect(inviteUrl.startsWith(`${base}/invite/`)).toBe(true);
  await a.locator(`[data-invitation="${bob.email}"]`).waitFor();
  await screenshot(a, "06-members-invitation-link");

  // ── Bob, on a phone: opens the link signed out, signs up, comes back and accepts ───────────────────
  const bobPhone = await newPage(phone);
  await bobPhone.goto(inviteUrl);
  await bobPhone.getByRole("heading", { name: "You have been invited to Holdfast" }).waitFor();
  await screenshot(bobPhone, "07-invite-signed-out-phone");
  await bobPhone.getByRole("link", { name: "Create an account" }).click();
  await bobPhone.waitForURL("**/signup?callbackUrl=*");
  await bobPhone.getByLabel("Name", { exact: true }).fill(bob.name);
  await bobPhone.getByLabel("Email", { exact: true }).fill(bob.email);
  await bobPhone.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await bobPhone.getByRole("button", { name: "Create account" }).click();

  await bobPhone.waitForURL(inviteUrl);
  await bobPhone.getByTestId("invite-workspace").getByText(workspaceName).waitFor();
  expect(await bobPhone.getByText(bob.email).count()).toBeGreaterThan(0);
  await screenshot(bobPhone, "08-invite-accept-phone");
  await bobPhone.getByRole("button", { name: `Join ${workspaceName}` }).click();
  await bobPhone.waitForURL(`**/w/${slug}`);
  await bobPhone.getByRole("heading", { name: workspaceName }).waitFor();

  // The phone layout folds the sections into a menu.
  const phoneMenu = bobPhone.locator("#mobile-menu");
  await bobPhone.getByRole("button", { name: "Menu" }).click();
  await phoneMenu.getByRole("link", { name: "Members" }).waitFor();
  expect(await phoneMenu.getByRole("link", { name: "API tokens" }).count()).toBe(0); // not an admin
  await screenshot(bobPhone, "09-overview-phone-menu");
  await phoneMenu.getByRole("link", { name: "Members" }).click();
  await bobPhone.waitForURL(`**/w/${slug}/members`);
  await bobPhone.locator(`[data-member="${bob.email}"]`).waitFor();
  expect(await bobPhone.getByRole("button", { name: /^Change roles of/ }).count()).toBe(0);
  expect(await bobPhone.getByRole("form", { name: "Invite a person" }).count()).toBe(0);
  await screenshot(bobPhone, "10-members-phone-as-member");

  // ── Alice changes Bob's roles (If-Match); a second, stale tab gets the conflict and reapplies ────────
  await a.reload();
  const bobRow = a.locator(`[data-member="${bob.email}"]`);
  await bobRow.waitFor();
  expect(await a.locator(`[data-invitation="${bob.email}"]`).count()).toBe(0); // accepted → no longer pending

  const staleTab = await newPage(a.context());
  await staleTab.goto(`/w/${slug}/members`);
  const staleRow = staleTab.locator(`[data-member="${bob.email}"]`);
  await staleRow.waitFor();

  await bobRow.getByRole("button", { name: `Change roles of ${bob.name}` }).click();
  await bobRow.getByLabel("Admin", { exact: true }).check();
  await bobRow.getByRole("button", { name: "Save roles" }).click();
  await bobRow.getByText("Roles updated: Member, Admin.").waitFor();
  await screenshot(a, "11-members-role-changed");

  await staleRow.getByRole("button", { name: `Change roles of ${bob.name}` }).click();
  await staleRow.getByLabel("Billing owner", { exact: true }).check();
  await staleRow.getByRole("button", { name: "Save roles" }).click();
  const conflict = staleRow.getByRole("alert").filter({ hasText: "Someone else changed this member meanwhile" });
  await conflict.waitFor();
  expect(await conflict.textContent()).toContain("now has Member, Admin");
  await screenshot(staleTab, "12-members-conflict");
  await staleRow.getByRole("button", { name: "Apply my change again" }).click();
  await staleRow.getByText("Roles updated: Member, Billing owner.").waitFor();
  await staleTab.close();

  // Admin view of the members page on a phone-sized window.
  await a.setViewportSize({ width: 390, height: 844 });
  await a.reload();
  await bobRow.getByText("Billing owner").waitFor();
  await screenshot(a, "13-members-admin-phone-size");
  await a.setViewportSize({ width: 1280, height: 800 });

  // ── Bob signs in on a laptop too (a wrong password first), and revokes his phone's session ──────────
  const bobLaptop = await newPage(laptop);
  await bobLaptop.goto("/settings/sessions");
  await bobLaptop.waitForURL("**/signin?callbackUrl=*");
  await bobLaptop.getByLabel("Email", { exact: true }).fill(bob.email);
  await bobLaptop.getByLabel("Password", { exact: true }).fill("not-the-password");
  await bobLaptop.getByRole("button", { name: "Sign in", exact: true }).click();
  await bobLaptop.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
  await screenshot(bobLaptop, "14-signin-wrong-password");
  await bobLaptop.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await bobLaptop.getByRole("button", { name: "Sign in", exact: true }).click();
  await bobLaptop.waitForURL("**/settings/sessions");

  const sessions = bobLaptop.getByRole("list", { name: "Sessions" });
  await sessions.locator('[data-session="current"]').waitFor();
  expect(await sessions.locator("li").count()).toBe(2);
  expect(await sessions.locator('[data-session="other"]').textContent()).toContain("Safari on iOS");
  await screenshot(bobLaptop, "15-sessions");
  await sessions
    .locator('[data-session="other"]')
    .getByRole("button", { name: /^Sign out Safari on iOS/ })
    .click();
  await sessions.locator('[data-session="other"]').waitFor({ state: "detached" });
  await screenshot(bobLaptop, "16-sessions-after-revoke");

  // The phone's very next navigation (a client-side link click) lands on sign-in, coming back afterwards.
  await bobPhone.getByRole("button", { name: "Menu" }).click();
  await phoneMenu.getByRole("link", { name: "Overview" }).click();
  await bobPhone.waitForURL("**/signin?callbackUrl=*");
  expect(decodeURIComponent(new URL(bobPhone.url()).searchParams.get("callbackUrl") ?? "")).toBe(`/w/${slug}`);
  await bobPhone.getByRole("status").filter({ hasText: "Your session has ended" }).waitFor();
  await screenshot(bobPhone, "17-revoked-phone-at-signin");
  // …and the laptop is still signed in, with one session left.
  await bobLaptop.setViewportSize({ width: 390, height: 844 });
  await bobLaptop.reload();
  await sessions.locator('[data-session="current"]').waitFor();
  expect(await sessions.locator("li").count()).toBe(1);
  await screenshot(bobLaptop, "18-sessions-phone-size");
  await bobLaptop.setViewportSize({ width: 1280, height: 800 });

  // A workspace Bob is not in looks exactly like one that does not exist.
  await bobLaptop.goto(`/w/not-${slug}/members`);
  await bobLaptop.getByRole("heading", { name: "Page not found" }).waitFor();
  await screenshot(bobLaptop, "19-not-found");

  // Change the password (a wrong current one first), then log out everywhere.
  const newPassword = "a-brand-new-passphrase";
  await bobLaptop.goto("/settings/sessions");
  await bobLaptop.getByLabel("Current password", { exact: true }).fill("not-the-password");
  await bobLaptop.getByLabel("New password", { exact: true }).fill(newPassword);
  await bobLaptop.getByLabel("Repeat the new password", { exact: true }).fill(newPassword);
  await bobLaptop.getByRole("button", { name: "Change password", exact: true }).click();
  await bobLaptop.getByText("This is not your current password.").waitFor();
  await bobLaptop.getByLabel("Current password", { exact: true }).fill(PASSWORD);
  await bobLaptop.getByRole("button", { name: "Change password", exact: true }).click();
  await bobLaptop.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
  await bobLaptop.getByRole("button", { name: "Log out everywhere", exact: true }).click();
  await bobLaptop.getByRole("button", { name: "Yes, log out everywhere" }).click();
  await bobLaptop.waitForURL("**/signin?signedOut=everywhere");
  await bobLaptop.getByText("You were signed out on every device.").waitFor();

  // ── Alice: API tokens (shown once, works as Bearer, revoked) ────────────────────────────────────────
  await a.goto(`/w/${slug}/tokens`);
  await a.getByText("No API tokens yet").waitFor();
  await screenshot(a, "20-tokens-empty");
  await a.getByLabel("Token name").fill("CI pipeline");
  await a.getByRole("button", { name: "Create token" }).click();
  const token = await a.getByLabel("New API token").inputValue();
  await a.locator('[data-token="CI pipeline"]').waitFor();
  await screenshot(a, "21-tokens-created");
  const asToken = () =>
    fetch(`${base}/api/v1/workspaces/${slug}/members`, { headers: { authorization: `Bearer ${token}` } });
  expect((await asToken()).status).toBe(200);
  await a.getByRole("button", { name: "I have stored it" }).click();
  await a.getByRole("button", { name: "Revoke CI pipeline" }).click();
  await a.getByRole("button", { name: "Revoke token" }).click();
  await a.getByText("No API tokens yet").waitFor();
  expect((await asToken()).status).toBe(401);

  // ── Alice signs out from the account menu; her pages now need a sign-in ─────────────────────────────
  await a.getByRole("button", { name: `Account: ${alice.name}` }).click();
  await a.getByRole("button", { name: "Sign out" }).click();
  await a.waitForURL("**/signin");
  await a.goto(`/w/${slug}/members`);
  await a.waitForURL("**/signin?callbackUrl=*");

  expect(pageErrors.flat()).toEqual([]);
}, 120_000);

test("sign-in explains a rate limit with the time to wait", async () => {
  const base = appUrl();
  const email = uniqueEmail("locked");
  // A client address of its own, so this test's failed attempts do not count against the per-IP budget
  // the rest of the suite signs in with (the limiter keys on the last X-Forwarded-For entry).
  const clientIp = `198.51.100.${1 + ((randomBytes(1)[0] ?? 0) % 250)}`;
  const page = await newPage({ ...laptop, extraHTTPHeaders: { "x-forwarded-for": clientIp } });

  // Use up the per-account budget (HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT, 10 by default) over plain HTTP…
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 429; attempt++) {
    status = await failedSignIn(base, email, clientIp);
  }
  expect(status).toBe(429);

  // …then the page shows the limit and when to retry, and keeps the button disabled until then.
  await page.goto("/signin");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("still-wrong-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Too many sign-in attempts" });
  await alert.waitFor();
  expect(await page.getByTestId("retry-after").textContent()).toMatch(/^\d+ (min|s)/);
  expect(await alert.textContent()).toMatch(/Request id: req_|Request id: \S+/);
  expect(await page.getByRole("button", { name: "Sign in", exact: true }).isDisabled()).toBe(true);
  await screenshot(page, "22-signin-rate-limited");
  expect(pageErrors.flat()).toEqual([]);
});

/** One wrong-password attempt through next-auth's credentials callback; returns the HTTP status. */
async function failedSignIn(base: string, email: string, clientIp: string): Promise<number> {
  const csrf = await fetch(`${base}/api/auth/csrf`, { headers: { "x-forwarded-for": clientIp } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      origin: base,
      "x-forwarded-for": clientIp,
    },
    body: new URLSearchParams({ csrfToken, email, password: "wrong-password-1", json: "true" }),
  });
  await response.body?.cancel();
  return response.status;
}
