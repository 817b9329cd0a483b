import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

// Debian's Chromium (scripts/test.sh installs it); CHROMIUM_PATH overrides for other systems.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const SCREENSHOTS = path.join(process.cwd(), "test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: run \`apt-get install chromium\` (npm test does) or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export const laptop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
};

/** A full-page screenshot kept as a test artifact (test-results/ is gitignored and uploaded by CI). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Uncaught exceptions in the page (hydration failures, render errors) — a passing flow must have none. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  return errors;
}

/** Sets the runs console's status filter (a group of checkboxes) to exactly `values`. */
export async function chooseStatuses(page: Page, values: string[]): Promise<void> {
  const group = page.getByRole("group", { name: "Status" });
  for (const box of await group.getByRole("checkbox").all()) {
    await box.setChecked(values.includes((await box.getAttribute("value")) ?? ""));
  }
}

/** The statuses chosen in the runs console's status filter. */
export async function chosenStatuses(page: Page): Promise<string[]> {
  const boxes = page.getByRole("group", { name: "Status" }).getByRole("checkbox", { checked: true });
  return Promise.all((await boxes.all()).map(async (box) => (await box.getAttribute("value")) ?? ""));
}
