// Playwright drives Debian's Chromium (/usr/bin/chromium; no browser is
// downloaded) against the real server, which `webServer` starts on a free
// port with a fresh SQLite database and the built-in config plus three Celery
// tasks, whose worker `celery.ts` starts.
import { defineConfig } from "@playwright/test";
import { execSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeConfig } from "./celery";

// Worker processes load this file again; the environment keeps their values equal.
process.env.E2E_PORT ??= execSync(
  `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
).toString().trim();
process.env.E2E_DATA ??= mkdtempSync(join(tmpdir(), "task-starter-e2e-"));
export const ADMIN_PASSWORD = "e2e-admin-password";

const root = resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const server = process.env.E2E_SERVER_BIN ?? join(targetDir, "debug", "task-starter");
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

const config = writeConfig(process.env.E2E_DATA as string);

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./celery.ts",
  outputDir: "./test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: `${server} serve --config ${config}`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      TASK_STARTER_LISTEN: `127.0.0.1:${process.env.E2E_PORT}`,
      TASK_STARTER_DATABASE_URL: `sqlite://${process.env.E2E_DATA}/e2e.db`,
      TASK_STARTER_SITE_ROOT: process.env.TASK_STARTER_SITE_ROOT ?? join(root, "target", "site-debug"),
      TASK_STARTER_ADMIN_PASSWORD: ADMIN_PASSWORD,
      TASK_STARTER_WORKER_POLL_INTERVAL: "500ms",
    },
  },
});
