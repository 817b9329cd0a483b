import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { Role } from "@/lib/db";
import { appUrl, createSignedInPersona } from "../helpers/fixtures";
import { collectPageErrors, laptop, launchBrowser } from "./browser";

/**
 * One Chromium for a test file. Every page opened through the suite records uncaught page errors (hydration
 * failures, render errors), and the file fails at the end if any page had one.
 */
export function browserSuite(options: { baseURL?: () => string; timeoutMs?: number } = {}) {
  let browser: Browser | undefined;
  const pageErrors: string[][] = [];
  const baseURL = options.baseURL ?? appUrl;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    expect(pageErrors.flat()).toEqual([]);
  });

  /** A page in an existing context (a second tab) or in a new one with `contextOptions`. */
  const newPage = async (from: BrowserContext | BrowserContextOptions = laptop): Promise<Page> => {
    const context =
      "newPage" in from ? (from as BrowserContext) : await requireBrowser().newContext({ ...from, baseURL: baseURL() });
    const page = await context.newPage();
    page.setDefaultTimeout(options.timeoutMs ?? 15_000);
    pageErrors.push(collectPageErrors(page));
    return page;
  };

  /** A page signed in as a new person with `roles` in `slug` (the session cookie from the real sign-in flow). */
  const signedInPage = async (slug: string, roles: Role[], contextOptions: BrowserContextOptions = laptop) => {
    const persona = await createSignedInPersona({ workspace: slug, roles });
    const context = await requireBrowser().newContext({ ...contextOptions, baseURL: baseURL(), acceptDownloads: true });
    const [name, value] = persona.cookie.split(/=(.*)/s) as [string, string];
    await context.addCookies([{ name, value, url: baseURL() }]);
    return { page: await newPage(context), persona };
  };

  const requireBrowser = () => {
    if (!browser) throw new Error("browserSuite: the browser starts in beforeAll; open pages inside tests");
    return browser;
  };

  return { newPage, signedInPage, pageErrors };
}
