// The page renders on the server and hydrates in the browser: a click that
// calls the server changes the page without a reload.
import { expect, test } from "@playwright/test";
import { keepScreenshot, openTask, rows, signIn, writeArguments } from "./support";

test("the console hydrates and a click reaches the server", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));

  await signIn(page);
  let reloads = 0;
  page.on("load", () => reloads++);

  await openTask(page, "examples.tasks.example_task");
  await writeArguments(page, '{"text": "hydrated"}');
  await page.getByRole("button", { name: "Start task as logged in user" }).click();

  const row = rows(page).first();
  await expect(row.getByText("Done with the task: hydrated")).toBeVisible();
  await expect(row.locator(".badge")).toHaveText(/Success/);
  expect(reloads, "no full page reload").toBe(0);
  expect(errors, "no errors in the browser console (CSP included)").toEqual([]);
  await keepScreenshot(page, "hydrated-task-starter");
});
