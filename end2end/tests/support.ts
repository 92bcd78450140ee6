// Shared steps of the end-to-end tests.
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const ADMIN_PASSWORD = "e2e-admin-password";

/** Signs in through the sign-in page and waits for the console. */
export async function signIn(page: Page, name = "admin", password = ADMIN_PASSWORD, next = "/") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** Waits until the page's WebAssembly has hydrated it. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as unknown as { __hydrated?: boolean }).__hydrated === true);
}

/** Saves a screenshot under artifacts/, kept by CI. */
export async function keepScreenshot(page: Page, name: string) {
  const folder = join(__dirname, "..", "artifacts");
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}
