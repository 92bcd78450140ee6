// The Celery side of the end-to-end tests: a config that adds three Celery
// tasks of server/tests/celery/tasks.py to the built-in config, and a real
// Celery worker (from the test virtualenv that .ci/install-test-tools
// makes) on Redis databases 13 and 14 with a key prefix of this run's own.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..");
const venv = process.env.TASK_STARTER_VENV ?? join(homedir(), ".cache", "task-starter", "venv");
export const celery = join(venv, "bin", "celery");

/** Where this run's broker, backend and queue are. */
export function celeryCorner(data: string) {
  const name = data.split("/").pop() ?? "e2e";
  return {
    broker: "redis://127.0.0.1:6379/13",
    backend: "redis://127.0.0.1:6379/14",
    prefix: `${name}:`,
    queue: `e2e.${name}`,
  };
}

/** The built-in config plus the Celery tasks; returns the file's path. */
export function writeConfig(data: string): string {
  const corner = celeryCorner(data);
  const builtIn = readFileSync(join(root, "server", "src", "config", "default.toml"), "utf8");
  const extra = `
[celery]
broker_url = "${corner.broker}"
result_backend = "${corner.backend}"
default_queue = "${corner.queue}"
key_prefix = "${corner.prefix}"
poll_interval = "200ms"

[tasks."examples.celery.add"]
kind = "celery"
celery_name = "tasks.add"
description = "Adds two numbers on a Celery worker."
positional = ["a", "b"]
arguments_schema = { type = "object", properties = { a = { type = "integer" }, b = { type = "integer" } }, required = ["a", "b"] }

[tasks."examples.celery.fail"]
kind = "celery"
celery_name = "tasks.fail_handled"
description = "Raises TaskFailure with the message on a Celery worker."
positional = ["message"]
arguments_schema = { type = "object", properties = { message = { type = "string" } } }

[tasks."examples.celery.missing"]
kind = "celery"
celery_name = "tasks.not_there"
description = "Declared here, but no worker has it."
`;
  // [celery] and the tasks go before the schedules (TOML: tables after arrays of tables are fine).
  const file = join(data, "config.toml");
  writeFileSync(file, builtIn + extra);
  return file;
}

/** Starts the worker (its whole process group is killed at teardown). */
export default async function globalSetup() {
  const data = process.env.E2E_DATA;
  if (!data || !existsSync(celery)) {
    console.warn(`no Celery at ${celery}: the Celery test will fail (run .ci/install-test-tools)`);
    return;
  }
  const corner = celeryCorner(data);
  const worker = spawn(
    celery,
    ["-A", "tasks", "worker", "--pool=solo", "-Q", corner.queue, "-n", `${corner.queue}@e2e`, "--without-gossip",
      "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
    {
      cwd: join(root, "server", "tests", "celery"),
      detached: true,
      stdio: "ignore",
      env: { ...process.env, CELERY_BROKER_URL: corner.broker, CELERY_RESULT_BACKEND: corner.backend, CELERY_KEY_PREFIX: corner.prefix },
    },
  );
  worker.unref();
  return async () => {
    if (worker.pid) {
      try {
        process.kill(-worker.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
}
