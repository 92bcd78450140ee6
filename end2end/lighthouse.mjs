// Lighthouse, with its defaults (mobile, simulated slow 4G, 4x CPU
// slowdown), in Debian's Chromium, on /login, / and /runs of a running
// Task Starter; / and /runs signed in by the session cookie given.
//
//   node lighthouse.mjs BASE_URL SESSION_COOKIE [RUNS]
//
// Prints one JSON line per page and run: the scores, FCP, LCP and TBT in
// milliseconds, the LCP element, and the longest main-thread tasks. A
// report, never a pass or fail: `tests/lighthouse.spec.ts` runs it.
import lighthouse from "lighthouse";
import { launch } from "chrome-launcher";

const [base, cookie, runsArg] = process.argv.slice(2);
if (!base || !cookie) {
  console.error("usage: node lighthouse.mjs BASE_URL SESSION_COOKIE [RUNS]");
  process.exit(2);
}
const runs = Number(runsArg ?? 1);
const chrome = await launch({
  chromePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"],
});
try {
  for (const path of ["/login", "/", "/runs"]) {
    for (let run = 0; run < runs; run++) {
      const extraHeaders = path === "/login" ? {} : { Cookie: cookie };
      const { lhr } = await lighthouse(`${base}${path}`, {
        port: chrome.port,
        logLevel: "error",
        extraHeaders,
        onlyCategories: ["performance", "accessibility", "best-practices"],
      });
      const audit = (id) => lhr.audits[id];
      const lcpItems = audit("largest-contentful-paint-element")?.details?.items ?? [];
      const lcpNode = lcpItems.flatMap((item) => item.items ?? [item]).find((item) => item.node)?.node;
      const longTasks = (audit("long-tasks")?.details?.items ?? [])
        .slice(0, 3)
        .map((task) => `${Math.round(task.duration)} ms ${task.url ?? ""}`.trim());
      console.log(
        JSON.stringify({
          path,
          performance: lhr.categories.performance.score,
          accessibility: lhr.categories.accessibility.score,
          bestPractices: lhr.categories["best-practices"].score,
          fcp: Math.round(audit("first-contentful-paint").numericValue),
          lcp: Math.round(audit("largest-contentful-paint").numericValue),
          tbt: Math.round(audit("total-blocking-time").numericValue),
          lcpElement: lcpNode?.selector ?? null,
          longTasks,
        }),
      );
    }
  }
} finally {
  await chrome.kill();
}
