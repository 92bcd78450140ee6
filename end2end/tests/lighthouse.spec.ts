// Lighthouse on the console's first pages, as a report: the scores and
// timings go to the test's output and attachments; nothing is asserted of
// them (timings belong to benchmarks). It fails only if Lighthouse cannot
// run or reports no performance score.
import { expect, test } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { signIn } from "./support";

test("Lighthouse reports the first load of /login, / and /runs", async ({ page, baseURL }, testInfo) => {
  test.setTimeout(240_000 * Number(process.env.LIGHTHOUSE_RUNS ?? "1"));
  await signIn(page);
  const session = (await page.context().cookies()).find((cookie) => cookie.name.endsWith("ts_session"));
  expect(session, "signed in").toBeTruthy();
  // LIGHTHOUSE_RUNS=3 for medians (against a release build: .ci/serve's).
  const runs = process.env.LIGHTHOUSE_RUNS ?? "1";
  const output = execFileSync("node", [join(__dirname, "..", "lighthouse.mjs"), baseURL!, `${session!.name}=${session!.value}`, runs], {
    encoding: "utf8",
    timeout: 220_000 * Number(runs),
  });
  const pages = output.trim().split("\n").map((line) => JSON.parse(line));
  await testInfo.attach("lighthouse.json", { body: JSON.stringify(pages, null, 2), contentType: "application/json" });
  for (const report of pages) {
    const retried = report.tries > 1 ? `, after ${report.tries} tries` : "";
    console.log(`lighthouse ${report.path}: performance ${report.performance}, FCP ${report.fcp} ms, LCP ${report.lcp} ms, TBT ${report.tbt} ms, LCP element ${report.lcpElement}, long tasks ${report.longTasks.join(", ") || "none"}${retried}`);
    expect(typeof report.performance, `${report.path} has a performance score (Lighthouse: ${report.runtimeError})`).toBe("number");
  }
  expect([...new Set(pages.map((report) => report.path))]).toEqual(["/login", "/", "/runs"]);
});
