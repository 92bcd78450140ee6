// Drafts in a browser that more than one person uses, and links that would
// overwrite a draft: what one user typed stays theirs, goes when they sign
// out, and is replaced by a link's arguments only when they say so.
import { expect, type Page, test } from "@playwright/test";
import { expectAccessible, hydrated, openTask, signIn } from "./support";

const TASK = "examples.tasks.example_task";

/** The form's Text field of example_task. */
function textField(page: Page) {
  return page.getByLabel(/^Text\b/);
}

/** Whether the Form or the JSON button of the editor is pressed. */
function modeButton(page: Page, mode: "Form" | "JSON") {
  return page.getByRole("group", { name: "Edit the arguments as" }).getByRole("button", { name: mode });
}

/**
 * Lets the hydrated page's effects run (they restore a kept draft) before a
 * check that something is not there.
 */
async function settled(page: Page) {
  await hydrated(page);
  await page.waitForTimeout(300);
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

/** Adds an operator through the Users page (signed in as admin). */
async function addOperator(page: Page, name: string) {
  await page.getByRole("link", { name: "Users" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Role").selectOption("operator");
  await page.getByLabel("Password").fill(`${name}'s password`);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator("tr", { hasText: name })).toContainText("operator");
}

test("a draft stays with its user in a shared browser and goes when they sign out", async ({ page, context }) => {
  await signIn(page);
  await addOperator(page, "dana");
  await addOperator(page, "dirk");
  await signOut(page);

  await signIn(page, "dana", "dana's password");
  await openTask(page, TASK);
  await textField(page).fill("dana's half-typed report");
  await modeButton(page, "JSON").click();
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue(/dana's half-typed report/);

  // Dana's session ends without her signing out (it expired); Dirk signs in
  // in the same tab.
  await context.clearCookies();
  await signIn(page, "dirk", "dirk's password");
  await openTask(page, TASK);
  await settled(page);
  await expect(modeButton(page, "Form")).toHaveAttribute("aria-pressed", "true");
  await expect(textField(page)).toHaveValue("");
  await page.reload();
  await settled(page);
  await expect(textField(page)).toHaveValue("");
  await signOut(page);

  // Dana never signed out: her draft and her choice of editor are still hers.
  await signIn(page, "dana", "dana's password");
  await openTask(page, TASK);
  await expect(modeButton(page, "JSON")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("Arguments (JSON)")).toHaveValue(/dana's half-typed report/);

  // Signing out drops them.
  await signOut(page);
  await signIn(page, "dana", "dana's password");
  await openTask(page, TASK);
  await settled(page);
  await expect(modeButton(page, "Form")).toHaveAttribute("aria-pressed", "true");
  await expect(textField(page)).toHaveValue("");
  await page.reload();
  await settled(page);
  await expect(textField(page)).toHaveValue("");
});

test("a link with other arguments asks before it replaces a draft, and each answer does what it says", async ({ page }) => {
  const link = `/?task=${TASK}&arguments=${encodeURIComponent(JSON.stringify({ text: "from a link" }))}`;
  const question = page.getByRole("alertdialog", { name: "Replace your draft?" });
  await signIn(page);
  await openTask(page, TASK);
  await textField(page).fill("my own draft");

  await page.goto(link);
  await hydrated(page);
  await expect(question).toBeVisible();
  await expect(question.getByRole("button", { name: "Keep my draft" })).toBeFocused();
  await expectAccessible(page, "the question before a draft is replaced");
  await question.getByRole("button", { name: "Keep my draft" }).click();
  await expect(question).toBeHidden();
  await expect(textField(page)).toHaveValue("my own draft");
  expect(new URL(page.url()).searchParams.get("arguments")).toBeNull();
  await page.reload();
  await hydrated(page);
  await expect(textField(page)).toHaveValue("my own draft");

  // Escape keeps the draft too: nothing is lost by leaving the question.
  await page.goto(link);
  await hydrated(page);
  await expect(question).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(question).toBeHidden();
  await expect(textField(page)).toHaveValue("my own draft");

  await page.goto(link);
  await hydrated(page);
  await question.getByRole("button", { name: "Replace my draft" }).click();
  await expect(question).toBeHidden();
  await expect(textField(page)).toHaveValue("from a link");
  await page.reload();
  await hydrated(page);
  await expect(textField(page)).toHaveValue("from a link");

  // The draft now says what the link says: nothing to ask.
  await page.goto(link);
  await settled(page);
  expect(new URL(page.url()).searchParams.get("arguments"), "the link has been read").toBeNull();
  await expect(textField(page)).toHaveValue("from a link");
  await expect(question).toBeHidden();
});
