// Starting tasks and watching them end, as an admin does it.
import { expect, test } from "@playwright/test";
import { openTask, rows, signIn, startTask, writeArguments } from "./support";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("signing in with a wrong password says so", async ({ page }) => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByLabel("User name")).toBeVisible();
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong user name or password");
});

test("example_task goes from Pending to Success without a reload", async ({ page }) => {
  let reloads = 0;
  page.on("load", () => reloads++);
  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "watch me"}');
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Pending|Running/);
  await expect(row.locator(".badge")).toHaveText(/Success/);
  await expect(row).toContainText("Done with the task: watch me");
  expect(reloads).toBe(0);
});

test("a handled failure shows its message as the result", async ({ page }) => {
  await openTask(page, "examples.tasks.failing_task");
  await writeArguments(page, '{"message": "customer 42 is unknown"}');
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Failure/);
  await expect(row.locator(".run-result")).toHaveText("customer 42 is unknown");
});

test("a panic is a failure without result, the error in View info", async ({ page }) => {
  await openTask(page, "examples.tasks.failing_task");
  await writeArguments(page, '{"message": "it blew up", "panic": true}');
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Failure/);
  await expect(row.locator(".run-result")).toHaveText("No result — see View info");
  await row.getByRole("button", { name: /Actions for run/ }).click();
  await page.getByRole("menuitem", { name: "View info" }).click();
  const dialog = page.getByRole("dialog", { name: "Run details" });
  await expect(dialog).toContainText("panic");
  await expect(dialog).toContainText("it blew up");
});

test("twelve runs of dummy_task leave ten rows", async ({ page }) => {
  await openTask(page, "examples.tasks.dummy_task");
  for (let number = 1; number <= 12; number++) {
    await writeArguments(page, `{"number": ${number}, "numberx": 1}`);
    const row = await startTask(page);
    await expect(row.locator(".run-result")).toHaveText(String(number * 5));
    await expect(row.locator(".badge")).toHaveText(/Success/);
  }
  await expect(rows(page)).toHaveCount(10);
  await page.reload();
  await expect(rows(page)).toHaveCount(10);
  await expect(rows(page).first().locator(".run-result")).toHaveText("60");
});

test("an impersonated start shows both names", async ({ page }) => {
  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "as batch"}');
  const row = await startTask(page, "user batch");
  await expect(row.locator(".run-who")).toHaveText("admin as batch");
  await expect(row.locator(".badge")).toHaveText(/Success/);
});

test("invalid JSON shows the error and starts nothing", async ({ page }) => {
  await openTask(page, "examples.tasks.example_task");
  const before = await rows(page).count();
  await writeArguments(page, '{"text": ');
  await expect(page.locator("#arguments-errors")).toContainText("Line 1, column");
  await expect(page.getByLabel("Arguments (JSON)")).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("button", { name: "Start task as logged in user" }).click();
  await expect(page.getByRole("status")).toContainText("nothing was started");
  await writeArguments(page, '{"txt": "typo"}');
  await expect(page.locator("#arguments-errors")).toContainText('"text" is a required property');
  await expect(page.locator("#arguments-errors")).toContainText("'txt' was unexpected");
  await page.getByRole("button", { name: "Start task as logged in user" }).click();
  await page.waitForTimeout(1500);
  expect(await rows(page).count()).toBe(before);
});

test("Reset to defaults fills the editor from the schema", async ({ page }) => {
  await openTask(page, "examples.tasks.dummy_task");
  await writeArguments(page, "{}");
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue('{\n  "number": 5,\n  "numberx": 10\n}');
  await writeArguments(page, '{"number":1}');
  await page.getByRole("button", { name: "Format" }).click();
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue('{\n  "number": 1\n}');
});

test("a Celery task started from the form ends Success, and a failure shows its message", async ({ page }) => {
  await openTask(page, "examples.celery.add");
  await writeArguments(page, '{"a": 55, "b": 66}');
  const sum = await startTask(page);
  await expect(sum.locator(".badge")).toHaveText(/Success/, { timeout: 45_000 });
  await expect(sum.locator(".run-result")).toHaveText("121");
  await openTask(page, "examples.celery.fail");
  await writeArguments(page, '{"message": "customer 42 is unknown"}');
  const failed = await startTask(page);
  await expect(failed.locator(".badge")).toHaveText(/Failure/, { timeout: 45_000 });
  await expect(failed.locator(".run-result")).toHaveText("customer 42 is unknown");
});

test("a declared Celery task that no worker has is flagged in the task list", async ({ page }) => {
  const tasks = page.getByRole("navigation", { name: "Tasks" });
  // The workers are asked every few seconds until one answers.
  await expect(async () => {
    await page.reload();
    await expect(tasks.getByRole("link", { name: /examples\.celery\.missing/ })).toContainText("no worker", { timeout: 1_000 });
  }).toPass({ timeout: 45_000 });
  await expect(tasks.getByRole("link", { name: /examples\.celery\.add/ })).not.toContainText("no worker");
});
