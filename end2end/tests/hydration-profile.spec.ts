// Where the first load's main thread goes under a 4x CPU slowdown (as
// Lighthouse's TBT counts it), read from a Chromium trace: the long tasks
// and what each is mostly made of, and inside them V8's lazy compilation of
// the wasm functions that run for the first time. A measuring tool, run only
// when asked; it asserts nothing of the timings:
//
//   HYDRATION_PROFILE=/,/runs E2E_SERVER_BIN=… TASK_STARTER_SITE_ROOT=../target/site \
//     npx playwright test tests/hydration-profile.spec.ts
//
// HYDRATION_PROFILE_ROUNDS (default 3) loads per page; HYDRATION_PROFILE_FLAGS
// adds Chromium flags (`--js-flags=--no-wasm-lazy-compilation`, say).
import { test } from "@playwright/test";
import { hydrated, signIn } from "./support";

const pages = process.env.HYDRATION_PROFILE?.split(",").filter(Boolean) ?? [];
const rounds = Number(process.env.HYDRATION_PROFILE_ROUNDS ?? "3");
const flags = process.env.HYDRATION_PROFILE_FLAGS?.split(" ").filter(Boolean) ?? [];
const categories = "devtools.timeline,v8,v8.wasm,disabled-by-default-v8.compile,toplevel,blink,loading";

test.use({ trace: "off" });
if (flags.length > 0) {
  test.use({
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", ...flags] },
  });
}

type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; args?: { name?: string } };

/** The renderer's main-thread tasks over 50 ms, each with its time in V8's lazy wasm compilation. */
function longTasks(events: TraceEvent[]) {
  const main = new Set(
    events.filter((event) => event.ph === "M" && event.args?.name === "CrRendererMain").map((event) => `${event.pid}:${event.tid}`),
  );
  const onMain = events.filter((event) => event.ph === "X" && main.has(`${event.pid}:${event.tid}`)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // A task first, then what runs inside it (a child may start at the same microsecond).
  const tasks: TraceEvent[] = [];
  for (const event of onMain) {
    const last = tasks.at(-1);
    if (last && event.ts < last.ts + last.dur!) continue;
    tasks.push(event);
  }
  return tasks
    .filter((task) => task.dur! > 50_000)
    .map((task) => {
      const inside = onMain.filter((event) => event !== task && event.ts >= task.ts && event.ts < task.ts + task.dur!);
      const lazy = inside.filter((event) => event.name === "wasm.CompileLazy");
      const flushes = inside.filter((event) => event.name === "FlushInstructionCache");
      const largest = inside.filter((event) => event.name !== "wasm.CompileLazy").sort((a, b) => b.dur! - a.dur!)[0];
      const ms = (list: TraceEvent[]) => Math.round(list.reduce((sum, event) => sum + event.dur!, 0) / 1000);
      return `${Math.round(task.dur! / 1000)} ms (${largest?.name ?? task.name}; wasm.CompileLazy ${lazy.length}× ${ms(lazy)} ms, of it FlushInstructionCache ${ms(flushes)} ms)`;
    });
}

for (const path of pages) {
  test(`hydration profile of ${path}`, async ({ page, context }) => {
    test.setTimeout(60_000 + rounds * 30_000);
    await signIn(page);
    for (let round = 0; round < rounds; round++) {
      const fresh = await context.newPage();
      const cdp = await context.newCDPSession(fresh);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const events: TraceEvent[] = [];
      cdp.on("Tracing.dataCollected", (data) => events.push(...(data.value as TraceEvent[])));
      const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
      await cdp.send("Tracing.start", { categories, transferMode: "ReportEvents" });
      await fresh.goto(path);
      await hydrated(fresh);
      await fresh.waitForTimeout(500);
      await cdp.send("Tracing.end");
      await complete;
      await fresh.close();
      console.log(`${path} load ${round + 1}: ${longTasks(events).join("; ") || "no long task"}`);
    }
  });
}
