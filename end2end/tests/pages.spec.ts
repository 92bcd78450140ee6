// The other pages: all runs, schedules, users and API tokens; and what a
// viewer may not do.
import { expect, test } from "@playwright/test";
import { action, openTask, rows, signIn, startTask, writeArguments } from "./support";

test("All runs filters by task and state", async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.failing_task");
  await writeArguments(page, '{"message": "for the list"}');
  await expect((await startTask(page)).locator(".badge")).toHaveText(/Failure/);

  await page.getByRole("link", { name: "All runs" }).click();
  await expect(page.getByRole("heading", { name: "All runs" })).toBeVisible();
  await page.getByLabel("State").selectOption("failure");
  await page.getByLabel("Task").fill("examples.tasks.failing_task");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/state=failure/);
  const listed = page.locator("tr.run");
  await expect(listed.first()).toContainText("for the list");
  for (const badge of await listed.locator(".badge").allTextContents()) {
    expect(badge).toContain("Failure");
  }
  await action(page, listed.first(), "Copy arguments to code editor");
  await expect(page.getByRole("heading", { level: 1, name: "examples.tasks.failing_task" })).toBeVisible();
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue('{\n  "message": "for the list"\n}');
});

test("Schedules pause, resume and run now", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Schedules" }).click();
  const row = page.locator("tr[data-schedule=hourly-dummy]");
  await expect(row).toContainText("Paused");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row).toContainText("Running");
  await row.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByRole("status")).toContainText("Started run");
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toContainText("Paused");
});

test("an admin makes a token that is shown once, and revokes it", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "API tokens" }).click();
  const name = `crm-sync-${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.locator(".secret-value");
  await expect(secret).toHaveText(/^tsk_[0-9a-f]{64}$/);
  const token = await secret.textContent();
  const api = await page.request.get("/api/v1/tasks", { headers: { Authorization: `Bearer ${token}` } });
  expect(api.status()).toBe(200);
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(page.locator("tr", { hasText: name })).toContainText("Revoked");
  const refused = await page.request.get("/api/v1/tasks", { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});

test("a viewer sees the history but no start button", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Name").fill("vera");
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByLabel("Password").fill("vera's password");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator("tr", { hasText: "vera" })).toContainText("viewer");
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, "vera", "vera's password");
  await openTask(page, "examples.tasks.example_task");
  await expect(page.getByRole("button", { name: /Start task/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  const row = rows(page).first();
  await row.getByRole("button", { name: /Actions for run/ }).click();
  await expect(page.getByRole("menuitem", { name: "View info" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Run again with same arguments" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByRole("alert")).toContainText("needs the admin role");
});
