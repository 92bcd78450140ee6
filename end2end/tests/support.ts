// Shared steps of the end-to-end tests.
import { expect, type Locator, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const ADMIN_PASSWORD = "e2e-admin-password";

/** Signs in through the sign-in page and waits for the hydrated console. */
export async function signIn(page: Page, name = "admin", password = ADMIN_PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await hydrated(page);
}

/** Waits until the page's WebAssembly has hydrated it. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as unknown as { __hydrated?: boolean }).__hydrated === true);
}

/**
 * Opens a task from the list and waits for its panel. A task that is already
 * open is not clicked again: that click reloads the page's data and renders a
 * fresh panel a moment later, which would drop what a test types meanwhile.
 */
export async function openTask(page: Page, path: string) {
  await hydrated(page);
  const link = page.getByRole("navigation", { name: "Tasks" }).getByRole("link", { name: new RegExp(path.replaceAll(".", "\\.")) });
  if ((await link.getAttribute("aria-current")) !== "page") {
    await link.click();
  }
  await expect(link).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { level: 1, name: path })).toBeVisible();
}

/** Switches the start panel to its JSON editor (the form is the default). */
export async function useJsonEditor(page: Page) {
  const json = page.getByRole("group", { name: "Edit the arguments as" }).getByRole("button", { name: "JSON" });
  if ((await json.getAttribute("aria-pressed")) !== "true") {
    await json.click();
  }
  await expect(json).toHaveAttribute("aria-pressed", "true");
}

/** Writes the arguments into the JSON editor. */
export async function writeArguments(page: Page, json: string) {
  await useJsonEditor(page);
  await page.getByLabel("Arguments (JSON)").fill(json);
}

/** The history's rows, newest first. */
export function rows(page: Page): Locator {
  return page.locator("section.history tr.run");
}

/** The id of the run heading the history, or null when it is empty. */
async function newestRunId(page: Page): Promise<string | null> {
  return (await rows(page).count()) === 0 ? null : rows(page).first().getAttribute("data-run-id");
}

/**
 * Does `start` (a click that starts a run) and returns the new run's row once
 * it heads the history. The row is found by its id, so a test never mistakes
 * an older run that was at the top for the one it just started.
 */
export async function startedRow(page: Page, start: () => Promise<void>): Promise<Locator> {
  const before = await newestRunId(page);
  await start();
  await expect.poll(() => newestRunId(page), { message: "a new run heads the history" }).not.toBe(before);
  const id = await newestRunId(page);
  return page.locator(`section.history tr.run[data-run-id="${id}"]`);
}

/** Clicks one of the start buttons ("logged in user" or "user <name>") and returns the new run's row. */
export async function startTask(page: Page, as = "logged in user"): Promise<Locator> {
  return startedRow(page, () => page.getByRole("button", { name: `Start task as ${as}` }).click());
}

/** Opens a row's action menu and picks an item. */
export async function action(page: Page, row: Locator, item: string) {
  await row.getByRole("button", { name: /Actions for run/ }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

/** Saves a screenshot under artifacts/, kept by CI. */
export async function keepScreenshot(page: Page, name: string) {
  const folder = join(__dirname, "..", "artifacts");
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
}

/** Runs axe-core on the page; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  const described = bad.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(described, `accessibility of ${what}`).toEqual([]);
}
