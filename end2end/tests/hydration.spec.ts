// The page renders on the server and hydrates in the browser: a click that
// calls the server changes the page without a reload.
import { expect, test } from "@playwright/test";
import { keepScreenshot, openTask, signIn, startTask, writeArguments } from "./support";

test("the console hydrates and a click reaches the server", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));

  await signIn(page);
  let reloads = 0;
  page.on("load", () => reloads++);

  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "hydrated"}');
  const row = await startTask(page);
  await expect(row.getByText("Done with the task: hydrated")).toBeVisible();
  await expect(row.locator(".badge")).toHaveText(/Success/);
  expect(reloads, "no full page reload").toBe(0);
  expect(errors, "no errors in the browser console (CSP included)").toEqual([]);
  await keepScreenshot(page, "hydrated-task-starter");
});

test("a page loaded with runs in its history hydrates cleanly", async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.dummy_task");
  await expect((await startTask(page)).locator(".badge")).toHaveText(/Success/);

  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  for (const path of ["/?task=examples.tasks.dummy_task", "/runs"]) {
    await page.goto(path);
    await page.waitForFunction(() => (window as unknown as { __hydrated?: boolean }).__hydrated === true);
    await page.locator("tr.run").first().getByRole("button", { name: /Refresh run/ }).click();
    await expect(page.getByRole("status")).toHaveText("Refreshed.");
  }
  expect(errors, "no hydration errors").toEqual([]);
});
