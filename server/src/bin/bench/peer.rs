//! graphile-worker beside Task Starter on the same PostgreSQL, when it is
//! installed (`.ci/install-peers` puts it in `target/peers`): the same
//! number of no-op jobs, added in one `addJobs` (batched) or one `addJob`
//! per call from 256 callers (unbatched), run until its jobs table is
//! empty, configured as its own performance page says it is fastest
//! (<https://worker.graphile.org/docs/performance>): 24 concurrent jobs, a
//! pool of 25, a local queue of 500, and completions and failures batched
//! with no delay (`completeJobBatchDelay: 0`, `failJobBatchDelay: 0`).
//! graphile-worker deletes a job when it is done; Task Starter keeps every
//! run's history.

use crate::databases::{drop_database, fresh_database};
use crate::{Options, median};
use std::path::{Path, PathBuf};

/// The script node runs: prints one JSON line of jobs per second.
const SCRIPT: &str = r#"
const { makeWorkerUtils, run } = require("graphile-worker");
const connectionString = process.env.DATABASE_URL;
const count = Number(process.env.JOBS);
const batched = process.env.MODE === "batched";
(async () => {
  const utils = await makeWorkerUtils({ connectionString });
  await utils.migrate();
  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => (finished = resolve));
  const taskList = { noop: async () => { if (++done === count) finished(); } };
  const began = process.hrtime.bigint();
  const runner = await run({
    connectionString, noHandleSignals: true, pollInterval: 1000, taskList,
    preset: {
      worker: {
        concurrentJobs: 24, maxPoolSize: 25,
        localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0,
      },
    },
  });
  if (batched) {
    await utils.addJobs(Array.from({ length: count }, () => ({ identifier: "noop", payload: {} })));
  } else {
    let next = 0;
    const caller = async () => { while (next++ < count) await utils.addJob("noop", {}); };
    await Promise.all(Array.from({ length: 256 }, caller));
  }
  await allDone;
  for (;;) {
    const left = await utils.withPgClient((client) =>
      client.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs"));
    if (left.rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  console.log(JSON.stringify({ per_second: count / seconds }));
  await runner.stop();
  await utils.release();
})().catch((error) => { console.error(error); process.exit(1); });
"#;

/// Where graphile-worker is installed, if it is.
pub fn graphile(peers: &Path) -> Option<PathBuf> {
    let module = peers.join("node_modules").join("graphile-worker");
    // Absolute: node runs in this folder and is given the script's path.
    module.join("package.json").is_file().then(|| peers.canonicalize().ok()).flatten()
}

/// graphile-worker's jobs per second for `jobs` jobs on database `url`,
/// batched or one `addJob` per call.
pub async fn graphile_rate(peers: &Path, url: &str, jobs: usize, batched: bool) -> Result<f64, String> {
    let script = peers.join("bench-graphile.js");
    std::fs::write(&script, SCRIPT).map_err(|error| format!("{}: {error}", script.display()))?;
    let output = tokio::process::Command::new("node")
        .arg(&script)
        .current_dir(peers)
        .env("DATABASE_URL", url)
        .env("JOBS", jobs.to_string())
        .env("MODE", if batched { "batched" } else { "unbatched" })
        .output()
        .await
        .map_err(|error| format!("node could not be started: {error}"))?;
    if !output.status.success() {
        return Err(format!("graphile-worker failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().rev().find(|line| line.starts_with('{')).ok_or("graphile-worker printed no figure")?;
    let figure: serde_json::Value = serde_json::from_str(line).map_err(|error| error.to_string())?;
    figure["per_second"].as_f64().ok_or_else(|| format!("graphile-worker printed {line}"))
}

/// graphile-worker's figures on fresh databases of the same server, with
/// our ratio to each, or a line saying how to install it.
pub(crate) async fn beside_graphile(options: &Options, per_call: f64, bulk: f64) -> Result<(), String> {
    let Some(peers) = graphile(&options.peers) else {
        println!("graphile-worker          not installed in {} (./.ci/install-peers)", options.peers.display());
        return Ok(());
    };
    for (batched, ours, what) in
        [(true, bulk, "addJobs batched, then drain"), (false, per_call, "addJob per call, until done")]
    {
        let mut rates = Vec::new();
        for _ in 0..options.repeat.max(1) {
            let (url, name) = fresh_database("postgres", &options.postgres).await?;
            let rate = graphile_rate(&peers, &url, options.runs, batched).await;
            drop_database(&options.postgres, name, &url).await;
            rates.push(rate?);
        }
        let theirs = median(rates);
        let ratio = if ours.is_nan() { String::new() } else { format!("   ours {:.2}×", ours / theirs) };
        println!("graphile {what:<31} {theirs:>9.0} jobs/s{ratio}");
    }
    Ok(())
}
