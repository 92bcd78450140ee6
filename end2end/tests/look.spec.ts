// How it looks and whether everyone can use it: screenshots of the main
// page in light and dark, a phone-sized page, and axe-core scans with no
// serious or critical violations.
import { expect, test } from "@playwright/test";
import { action, expectAccessible, keepScreenshot, openTask, signIn, startTask, startedRow, writeArguments } from "./support";

test("the main page in light and dark passes the accessibility scan", async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.countdown");
  await writeArguments(page, '{"seconds": 3}');
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Running/);
  await expectAccessible(page, "the task starter (light)");
  await keepScreenshot(page, "task-starter-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page, "the task starter (dark)");
  await keepScreenshot(page, "task-starter-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(row.locator(".badge")).toHaveText(/Success/, { timeout: 20_000 });
  await action(page, row, "View info");
  await expect(page.getByRole("dialog", { name: "Run details" })).toBeVisible();
  await expectAccessible(page, "the info dialog");
});

test("every other page passes the accessibility scan", async ({ page }) => {
  await page.goto("/login");
  await expectAccessible(page, "the sign-in page");
  await keepScreenshot(page, "sign-in");
  await signIn(page);
  for (const [path, name] of [["/runs", "all-runs"], ["/schedules", "schedules"], ["/users", "users"], ["/tokens", "tokens"]]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, path);
    await keepScreenshot(page, name);
  }
});

test("the console fits a phone", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page);
  await openTask(page, "examples.tasks.example_task");
  await expect(page.getByRole("button", { name: "Start task as logged in user" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling of the page").toBeLessThanOrEqual(1);
  await keepScreenshot(page, "phone");
});

test("the whole flow works from the keyboard", async ({ page }) => {
  await signIn(page);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "keyboard"}');
  await page.getByRole("button", { name: "Start task as logged in user" }).focus();
  const row = await startedRow(page, () => page.keyboard.press("Enter"));
  await expect(row).toContainText("Done with the task: keyboard");
});
