// The action menu on every run: copy the id, copy the arguments to the
// editor, run again, view info, cancel, copy as an API call.
import { expect, test } from "@playwright/test";
import { action, keepScreenshot, openTask, rows, signIn, startedRow, startTask, writeArguments } from "./support";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test.beforeEach(async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "menu"}');
  await expect((await startTask(page)).locator(".badge")).toHaveText(/Success/);
});

test("Copy task id puts the run's id on the clipboard", async ({ page }) => {
  const row = rows(page).first();
  const id = await row.getAttribute("data-run-id");
  await action(page, row, "Copy task id");
  await expect(page.getByRole("status")).toHaveText("Copied the task id.");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
});

test("Copy arguments to code editor fills the editor", async ({ page }) => {
  await writeArguments(page, "{}");
  await action(page, rows(page).first(), "Copy arguments to code editor");
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue('{\n  "text": "menu"\n}');
});

test("Run again starts a new run with the same arguments", async ({ page }) => {
  const first = rows(page).first();
  const id = await first.getAttribute("data-run-id");
  const again = await startedRow(page, () => action(page, first, "Run again with same arguments"));
  await expect(again.locator(".badge")).toHaveText(/Success/);
  await expect(again).toContainText("Done with the task: menu");
  await action(page, again, "View info");
  await expect(page.getByRole("dialog", { name: "Run details" })).toContainText(id ?? "missing");
});

test("View info shows every field of the run", async ({ page }) => {
  const row = rows(page).first();
  const id = await row.getAttribute("data-run-id");
  await action(page, row, "View info");
  const dialog = page.getByRole("dialog", { name: "Run details" });
  await expect(dialog).toBeVisible();
  for (const text of [id ?? "", "examples.tasks.example_task", "Done with the task: menu", "admin (user)", "ui", "1 of 1", '"text": "menu"', "Running as admin"]) {
    await expect(dialog).toContainText(text);
  }
  await keepScreenshot(page, "info-dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("Copy as API call gives a curl command", async ({ page }) => {
  await action(page, rows(page).first(), "Copy as API call");
  const command = await page.evaluate(() => navigator.clipboard.readText());
  expect(command).toContain("/api/v1/tasks/examples.tasks.example_task/runs");
  expect(command).toContain('"text":"menu"');
  expect(command).toContain("Authorization: Bearer $TASK_API_TOKEN");
});

test("a running countdown can be cancelled", async ({ page }) => {
  await openTask(page, "examples.tasks.countdown");
  await writeArguments(page, '{"seconds": 60}');
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Running/);
  await expect(row.locator("progress")).toBeVisible();
  await action(page, row, "Cancel");
  await expect(row.locator(".badge")).toHaveText(/Cancelled/);
  await expect(row.locator(".run-result")).toContainText("Stopped with");
});

test("the menu works from the keyboard", async ({ page }) => {
  const row = rows(page).first();
  const button = row.getByRole("button", { name: /Actions for run/ });
  await button.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Copy task id" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByRole("menuitem", { name: "Copy arguments to code editor" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute("aria-expanded", "false");
});

test("the refresh arrow re-reads the run", async ({ page }) => {
  await rows(page).first().getByRole("button", { name: /Refresh run/ }).click();
  await expect(page.getByRole("status")).toHaveText("Refreshed.");
});
