// Operating many runs: a search by argument values kept in the URL, a bulk
// cancel of everything a search matches after a confirmation that states
// the count, and the audit log that records it.
import { expect, test } from "@playwright/test";
import { expectAccessible, hydrated, openTask, signIn, startTask, writeArguments } from "./support";

test("a search by argument value is kept in the URL and can be shared", async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.dummy_task");
  const marker = 4000 + Math.floor(Math.random() * 1000);
  await writeArguments(page, `{"number": ${marker}, "numberx": 1}`);
  const wanted = await (await startTask(page)).getAttribute("data-run-id");
  await writeArguments(page, `{"number": ${marker + 1}, "numberx": 1}`);
  await startTask(page);

  // The API's own parameters work as a link.
  await page.goto(`/runs?arguments.number=${marker}`);
  await hydrated(page);
  const listed = page.locator("tr.run");
  await expect(listed).toHaveCount(1);
  await expect(listed.first()).toHaveAttribute("data-run-id", wanted!);
  await expect(page.getByLabel("Arguments")).toHaveValue(`number=${marker}`);

  // The form adds a condition; the URL keeps the whole search.
  await page.getByLabel("Arguments").fill(`number=${marker}; numberx=2`);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/args=number/);
  await expect(page.locator("p.empty")).toHaveText("No runs match.");
  const shared = page.url();
  await page.goto(shared);
  await expect(page.getByLabel("Arguments")).toHaveValue(`number=${marker}; numberx=2`);

  await page.goto("/runs?arguments.a%20b=1");
  await expect(page.locator(".problem")).toBeVisible();
  await expectAccessible(page, "the All runs page with a bad search");
});

test("all runs matching a search are cancelled after a confirmation with the count, and audited", async ({ page }) => {
  await signIn(page);
  await openTask(page, "examples.tasks.countdown");
  await writeArguments(page, '{"seconds": 900}');
  await startTask(page);
  await startTask(page);

  // The page lists what was running when it loaded: the second run may
  // still have been pending then, so look again until both are in.
  const running = async () => {
    await page.goto("/runs?task=examples.tasks.countdown&state=running");
    await hydrated(page);
    return page.locator("tr.run").count();
  };
  await expect.poll(running, { message: "both countdowns are running" }).toBeGreaterThanOrEqual(2);
  const count = await page.locator("tr.run").count();
  await page.getByRole("button", { name: "Choose all matching this search" }).click();
  await expect(page.getByRole("region", { name: "Bulk actions" })).toContainText(`All ${count} runs matching this search are chosen.`);
  for (const box of await page.locator("tr.run .run-select input").all()) {
    await expect(box).toBeChecked();
  }
  await page.getByRole("button", { name: "Cancel…" }).click();
  const confirmation = page.getByRole("alertdialog");
  await expect(confirmation).toContainText(`Cancel ${count} runs matching this search?`);
  await expectAccessible(page, "the bulk confirmation");
  await confirmation.getByRole("button", { name: `Cancel ${count} runs` }).click();
  await expect(page.getByRole("status")).toContainText(`Cancelled ${count} runs.`);
  await expect(confirmation).toBeHidden();

  await page.goto("/runs?task=examples.tasks.countdown");
  await hydrated(page);
  await expect(page.locator("tr.run").first().locator(".badge")).toHaveText(/Cancelled/, { timeout: 20_000 });

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Action").selectOption("bulk_cancel");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/action=bulk_cancel/);
  const entries = page.locator("tr.audit-event");
  await expect(entries.first()).toHaveAttribute("data-action", "bulk_cancel");
  await expect(entries.first()).toContainText(`"affected":${count}`);
  await expect(entries.first()).toContainText("admin (user)");
  await expectAccessible(page, "the audit log");
});
