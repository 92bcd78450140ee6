// The start panel's form, presets, recent arguments and "edit and run
// again", used the way an admin uses them.
import { expect, type Page, test } from "@playwright/test";
import {
  action,
  expectAccessible,
  hydrated,
  keepScreenshot,
  openTask,
  rows,
  signIn,
  startTask,
  useJsonEditor,
  writeArguments,
} from "./support";

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

/** Fills send_report's form with a valid report to the folder `path`. */
async function fillReport(page: Page, subject: string, path = "/reports/sales") {
  await page.getByLabel(/^Recipient\b/).fill("ada@example.com");
  await page.getByLabel(/^Subject\b/).fill(subject);
  await page.getByLabel(/^Period\b/).selectOption({ label: "monthly (The last calendar month)" });
  await page.getByLabel(/^From day\b/).fill("2026-11-01");
  await page.getByLabel(/^Region\b/).fill("SE");
  await page.getByLabel(/^Kind\b/).selectOption({ label: "Into a shared folder." });
  await page.getByLabel(/^Path\b/).fill(path);
}

test("a nested form with a list, a choice and a group starts send_report", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  const form = page.getByRole("group", { name: "Edit the arguments as" }).getByRole("button", { name: "Form" });
  await expect(form).toHaveAttribute("aria-pressed", "true");
  await fillReport(page, "November sales");
  const tags = page.getByRole("group", { name: "Tags" });
  await tags.getByRole("button", { name: "Add item" }).click();
  await tags.getByLabel(/^Item 1\b/).fill("sales");
  await tags.getByRole("button", { name: "Add item" }).click();
  await tags.getByLabel(/^Item 2\b/).fill("monthly");
  await tags.getByRole("button", { name: "Move Item 2 up" }).click();
  await expect(tags.getByLabel(/^Item 1\b/)).toHaveValue("monthly");
  await page.getByLabel(/^Include charts\b/).uncheck();

  // The JSON editor holds the same value the form made.
  await useJsonEditor(page);
  const value = JSON.parse(await page.getByLabel("Arguments (JSON)").inputValue());
  expect(value).toMatchObject({
    recipient: "ada@example.com",
    period: "monthly",
    from_day: "2026-11-01",
    include_charts: false,
    tags: ["monthly", "sales"],
    filter: { region: "SE" },
    destination: { kind: "folder", path: "/reports/sales" },
  });
  await page.getByRole("button", { name: "Form", exact: true }).click();
  await expect(page.getByLabel(/^Path\b/)).toHaveValue("/reports/sales");

  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Success/);
  await expect(row.locator(".run-result")).toHaveAttribute(
    "title",
    'Would send 1 copy of "November sales" (Monthly, region SE, charts off) to the folder /reports/sales',
  );
});

test("a field that breaks the schema says so beside it, and nothing starts", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  await fillReport(page, "Lower case region");
  const region = page.getByLabel(/^Region\b/);
  await region.fill("se");
  await expect(region).toHaveAttribute("aria-invalid", "true");
  const described = (await region.getAttribute("aria-describedby")) ?? "";
  const errors = page.locator(`[id="${described.split(" ").pop()}"]`);
  await expect(errors).toContainText("does not match");
  const before = await rows(page).count();
  await page.getByRole("button", { name: "Start task as logged in user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "nothing was started" })).toBeVisible();
  await expect(region).toBeFocused();
  await page.waitForTimeout(1000);
  expect(await rows(page).count()).toBe(before);
  await region.fill("SE");
  await expect(region).toHaveAttribute("aria-invalid", "false");
  await expect(errors).toBeEmpty();
});

test("a preset is saved, fills the form, is renamed and deleted", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  await fillReport(page, "Preset report", "/reports/preset");
  await page.getByLabel(/^Save these arguments as\b/).fill("Monthly to the preset folder");
  await page.getByRole("button", { name: "Save preset" }).click();
  const presets = page.getByRole("region", { name: "Presets" });
  await expect(presets.getByRole("button", { name: "Monthly to the preset folder", exact: true })).toBeVisible();

  // After a reload the preset is still there and fills in the arguments.
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(page.getByLabel(/^Subject\b/)).toHaveValue("");
  await page.reload();
  await openTask(page, "examples.tasks.send_report");
  await presets.getByRole("button", { name: "Monthly to the preset folder", exact: true }).click();
  await expect(page.getByLabel(/^Subject\b/)).toHaveValue("Preset report");
  await expect(page.getByLabel(/^Path\b/)).toHaveValue("/reports/preset");

  await presets.getByRole("button", { name: "Rename the preset Monthly to the preset folder" }).click();
  await presets.getByLabel(/^New name\b/).fill("Preset folder");
  await presets.getByRole("button", { name: "Save name" }).click();
  await expect(presets.getByRole("button", { name: "Preset folder", exact: true })).toBeVisible();

  // A second preset of the same name is refused with a clear message.
  await page.getByLabel(/^Save these arguments as\b/).fill("Preset folder");
  await page.getByRole("button", { name: "Save preset" }).click();
  await expect(presets.getByRole("alert")).toContainText("already");

  await presets.getByRole("button", { name: "Delete the preset Preset folder" }).click();
  await expect(presets).toContainText("No presets yet.");
  await page.reload();
  await expect(page.getByRole("region", { name: "Presets" })).toContainText("No presets yet.");
});

test("recent arguments fill the form again", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  await fillReport(page, "Recent one");
  const row = await startTask(page);
  await expect(row.locator(".badge")).toHaveText(/Success/);
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(page.getByLabel(/^Subject\b/)).toHaveValue("");
  await page.reload();
  await openTask(page, "examples.tasks.send_report");
  await page.locator("details.recent summary").click();
  await page.locator("details.recent").getByRole("button", { name: /Recent one/ }).first().click();
  await expect(page.getByLabel(/^Subject\b/)).toHaveValue("Recent one");
});

test("edit and run again links the new run to the old one", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  await fillReport(page, "First try");
  const first = await startTask(page);
  await expect(first.locator(".badge")).toHaveText(/Success/);
  const firstId = (await first.getAttribute("data-run-id")) ?? "";
  await action(page, first, "Edit and run again");
  await expect(page.locator(".rerun-link")).toContainText(firstId.slice(0, 8));
  await page.getByLabel(/^Subject\b/).fill("Second try");
  const second = await startTask(page);
  await expect(second.locator(".badge")).toHaveText(/Success/);
  await expect(page.locator(".rerun-link")).toHaveCount(0);
  await action(page, second, "View info");
  const dialog = page.getByRole("dialog", { name: "Run details" });
  await expect(dialog).toContainText(firstId);
  await page.keyboard.press("Escape");

  // The run's own page, at an address that can be shared.
  const secondId = (await second.getAttribute("data-run-id")) ?? "";
  await page.goto(`/runs/${secondId}`);
  await expect(page.getByRole("heading", { level: 1, name: `Run ${secondId}` })).toBeVisible();
  await expect(page.locator(".run-page")).toContainText("Second try");
  await expect(page.locator(".run-page")).toContainText(firstId);
  await page.goto("/runs/not-a-run");
  await expect(page.getByRole("alert")).toContainText("run ids are UUIDs");
});

test("a link with arguments fills the form", async ({ page }) => {
  const argumentsText = JSON.stringify({ text: "from a link" });
  await page.goto(`/?task=examples.tasks.example_task&arguments=${encodeURIComponent(argumentsText)}`);
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("from a link");
  const row = await startTask(page);
  await expect(row).toContainText("Done with the task: from a link");
});

test("the form in light, dark and on a phone passes the accessibility scan", async ({ page }) => {
  await openTask(page, "examples.tasks.send_report");
  await fillReport(page, "Looks");
  await expectAccessible(page, "the form (light)");
  await keepScreenshot(page, "form-light");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectAccessible(page, "the form (dark)");
  await keepScreenshot(page, "form-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 375, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling of the page").toBeLessThanOrEqual(1);
  await keepScreenshot(page, "form-phone");
});

test("a draft survives opening the task again and a refresh; Reset to defaults drops it", async ({ page }) => {
  await openTask(page, "examples.tasks.example_task");
  await page.getByLabel(/^Text\b/).fill("half typed");
  await page.getByRole("navigation", { name: "Tasks" }).getByRole("link", { name: /examples\.tasks\.example_task/ }).click();
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("half typed");
  await openTask(page, "examples.tasks.dummy_task");
  await openTask(page, "examples.tasks.example_task");
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("half typed");
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("half typed");
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("");
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel(/^Text\b/)).toHaveValue("");
});

test.describe("in Tokyo", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("times show in the browser's zone with UTC on hover, and UTC can be pinned", async ({ page }) => {
    await openTask(page, "examples.tasks.example_task");
    await writeArguments(page, '{"text": "when"}');
    const row = await startTask(page);
    const time = row.locator("time").first();
    const at = (await time.getAttribute("datetime")) ?? "";
    const utc = (await time.getAttribute("title")) ?? "";
    expect(utc).toMatch(/ UTC$/);
    const tokyo = new Date(Date.parse(at) + 9 * 3600 * 1000).toISOString().slice(0, 19).replace("T", " ");
    await expect(time).toHaveText(tokyo);
    await page.getByRole("checkbox", { name: "UTC times" }).check();
    await expect(time).toHaveText(utc);
    await page.reload();
    await hydrated(page);
    await expect(rows(page).first().locator("time").first()).toHaveText(/ UTC$/);
  });
});
