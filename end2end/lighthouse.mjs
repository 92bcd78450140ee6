// Lighthouse, with its defaults (mobile, simulated slow 4G, 4x CPU
// slowdown), in Debian's Chromium, on /login, / and /runs of a running
// Task Starter; / and /runs signed in by the session cookie given.
//
//   node lighthouse.mjs BASE_URL SESSION_COOKIE [RUNS]
//
// Prints one JSON line per page and run: the scores, FCP, LCP and TBT in
// milliseconds, the LCP element, the longest main-thread tasks, how many
// tries it took and, when the last failed, Lighthouse's error. A report,
// never a pass or fail: `tests/lighthouse.spec.ts` runs it.
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
// A run that Lighthouse could not finish (a `runtimeError`, and no
// performance score: seen once on /runs while CI's machine was loaded) is
// tried again, up to three times in all; the last try's error is reported.
async function audited(url, extraHeaders) {
  let lhr;
  for (let tries = 1; tries <= 3; tries++) {
    ({ lhr } = await lighthouse(url, {
      port: chrome.port,
      logLevel: "error",
      extraHeaders,
      onlyCategories: ["performance", "accessibility", "best-practices"],
    }));
    if (!lhr.runtimeError && typeof lhr.categories.performance.score === "number") return { lhr, tries };
  }
  return { lhr, tries: 3 };
}

try {
  for (const path of ["/login", "/", "/runs"]) {
    for (let run = 0; run < runs; run++) {
      const extraHeaders = path === "/login" ? {} : { Cookie: cookie };
      const { lhr, tries } = await audited(`${base}${path}`, extraHeaders);
      const audit = (id) => lhr.audits[id];
      const lcpItems = audit("largest-contentful-paint-element")?.details?.items ?? [];
      const lcpNode = lcpItems.flatMap((item) => item.items ?? [item]).find((item) => item.node)?.node;
      const longTasks = (audit("long-tasks")?.details?.items ?? [])
        .slice(0, 3)
        .map((task) => `${Math.round(task.duration)} ms ${task.url ?? ""}`.trim());
      const rounded = (id) => (typeof audit(id)?.numericValue === "number" ? Math.round(audit(id).numericValue) : null);
      console.log(
        JSON.stringify({
          path,
          performance: lhr.categories.performance.score,
          accessibility: lhr.categories.accessibility.score,
          bestPractices: lhr.categories["best-practices"].score,
          fcp: rounded("first-contentful-paint"),
          lcp: rounded("largest-contentful-paint"),
          tbt: rounded("total-blocking-time"),
          lcpElement: lcpNode?.selector ?? null,
          longTasks,
          tries,
          runtimeError: lhr.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : null,
        }),
      );
    }
  }
} finally {
  await chrome.kill();
}
