// Page roles, generated from the console's page table (lib/workspaces/console-pages.ts): every page is fetched
// server-rendered over HTTP with the session cookie of each single role. The roles holding the page's permission
// get its content and a navigation link to it; the others get the page's refusal and no link; a member of
// another workspace gets the not-found page. The API side of the same table is tests/integration/tenancy.test.ts.
import { beforeAll, describe, expect, test } from "vitest";
import type { Role } from "@/lib/db";
import { CONSOLE_PAGES, type ConsolePage } from "@/lib/workspaces/console-pages";
import { hasPermission, ROLES } from "@/lib/workspaces/permissions";
import { appUrl, createSignedInPersona, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

const slug = uniqueSlug("pages");
const personas = new Map<Role, SignedInPersona>();
let outsider: SignedInPersona;

beforeAll(async () => {
  for (const role of ROLES) personas.set(role, await createSignedInPersona({ workspace: slug, roles: [role] }));
  outsider = await createSignedInPersona({
    workspace: uniqueSlug("other"),
    roles: ["admin", "member", "billing_owner"],
  });
});

/** Text as React escapes it in server-rendered HTML. */
const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#x27;");

async function render(persona: SignedInPersona, path: string) {
  const response = await fetch(`${appUrl()}${path}`, { headers: { cookie: persona.cookie }, redirect: "manual" });
  return { status: response.status, html: await response.text() };
}

/** The workspace navigation's links (the bar from `md` up; the phone menu repeats the same list). */
function navLinks(html: string): string[] {
  const nav = /<nav aria-label="Workspace"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? "";
  return [...nav.matchAll(/href="([^"]+)"/g)].map((match) => match[1] as string);
}

const pages = CONSOLE_PAGES as readonly ConsolePage[];

test("the table names every workspace page once, and every page either refuses someone or is for everyone", () => {
  expect(new Set(pages.map((page) => page.path)).size).toBe(pages.length);
  for (const page of pages) {
    const refused = ROLES.filter((role) => !hasPermission([role], page.permission));
    expect(refused.length === 0 || page.refusal.length > 0, `${page.key} needs a refusal text`).toBe(true);
  }
});

describe.each(pages.map((page) => ({ ...page, name: page.key })))("$name page", (page) => {
  const path = `/w/${slug}${page.path}`;

  test.each([...ROLES])("as %s", async (role) => {
    const persona = personas.get(role) as SignedInPersona;
    const { status, html } = await render(persona, path);
    const allowed = hasPermission([role], page.permission);
    const context = `${path} as ${role} (${page.permission}: ${allowed ? "allowed" : "refused"})`;
    expect(status, context).toBe(200);
    if (page.title) expect(html, context).toContain(`>${escapeHtml(page.title)}</h1>`);
    if (page.refusal) expect(html.includes(escapeHtml(page.refusal)), context).toBe(!allowed);
    if (page.nav !== false) expect(navLinks(html).includes(path), `${context}: the navigation link`).toBe(allowed);
  });

  test("as a member of another workspace: not found, and nothing of the page", async () => {
    const { status, html } = await render(outsider, path);
    // The signed-in frame streams (app/(app)/loading.tsx), so the status line is sent before the page decides;
    // the not-found page then arrives in the stream, marked noindex as Next marks every not-found.
    expect(status).toBe(200);
    expect(html).toContain("Page not found");
    expect(html).toMatch(/<meta name="robots" content="noindex"/);
    if (page.title) expect(html).not.toContain(`>${escapeHtml(page.title)}</h1>`);
    expect(navLinks(html)).toEqual([]);
  });
});
