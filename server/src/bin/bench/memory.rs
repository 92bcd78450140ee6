//! `bench --memory`: the resident memory of a real `serve` process (the
//! `task-starter` binary beside this one, in a process of its own) after
//! each checkpoint of runs started through the API with wrk, every run
//! executed and recorded (history trimmed as usual, one audit entry each).
//!
//! `cargo build --release -p task-starter --bins`, then
//! `$CARGO_TARGET_DIR/release/bench --memory --database sqlite`
//! (`--checkpoints 20000,1000000` by default).

use super::http::{Load, START_BODY, Target, wrk};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The task every start runs: built in, quick, keeps a result.
const TASK: &str = "examples.tasks.dummy_task";

/// A `serve` process on a database of its own.
pub(crate) struct Served {
    pub(crate) child: Child,
    pub(crate) base: String,
    token: String,
}

/// The figures on the database at `url` (fresh), printed as they come.
pub async fn figures(kind: &str, url: &str, checkpoints: &[u64], load: &Load, scratch: &Path) -> Result<(), String> {
    let binary = server_binary()?;
    let served = start(&binary, url, &[], scratch).await?;
    let client = reqwest::Client::new();
    let history = format!("{}/api/v1/tasks/{TASK}/runs", served.base);
    let target = Target::post("start", "POST …/runs (start)", history, Some(served.token.clone()), START_BODY);
    let (mut started, mut first) = (0_u64, None);
    let began = Instant::now();
    for &checkpoint in checkpoints {
        while started < checkpoint {
            // Aim each wrk call at the checkpoint from the rate so far (the
            // first, of one second, measures it).
            let left = u64_to_f64(checkpoint - started);
            let seconds =
                if started == 0 { 1.0 } else { (left / per_second(started, began.elapsed())).clamp(1.0, 10.0) };
            let chunk = Load { seconds: f64_to_u32(seconds), ..load.clone() };
            started += wrk(&target, &chunk, scratch).await?.requests;
        }
        let rate = per_second(started, began.elapsed());
        settle(&client, &served).await?;
        let memory = resident_memory(&served.child)?;
        let base = *first.get_or_insert(memory.resident);
        println!(
            "{kind:<8} serve after {started:>9} runs   RSS {:>5.1} MiB ({:.2}× the first; heap {:.1}, files {:.1}, shared {:.1})   peak {:>5.1} MiB   {rate:>5.0} starts/s",
            mib(memory.resident),
            u64_to_f64(memory.resident) / u64_to_f64(base),
            mib(memory.anonymous),
            mib(memory.files),
            mib(memory.shared),
            mib(memory.peak),
        );
    }
    stop(served).await;
    Ok(())
}

/// The `task-starter` binary of the same build as this bench.
pub(crate) fn server_binary() -> Result<PathBuf, String> {
    let bench = std::env::current_exe().map_err(|error| error.to_string())?;
    let binary = bench.with_file_name("task-starter");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!("{} is missing: cargo build --release -p task-starter --bins", binary.display()))
    }
}

/// Migrates, creates an operator token and starts `serve` on a free port,
/// with `settings` (`TASK_STARTER_*` variables) on top of the defaults.
pub(crate) async fn start(
    binary: &Path,
    url: &str,
    settings: &[(&str, &str)],
    scratch: &Path,
) -> Result<Served, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|error| error.to_string())?
        .port();
    let command = |arguments: &[&str]| {
        let mut command = Command::new(binary);
        command
            .args(arguments)
            .env("TASK_STARTER_DATABASE_URL", url)
            .env("TASK_STARTER_LISTEN", format!("127.0.0.1:{port}"))
            .env("TASK_STARTER_LOG", "error")
            // One token starts every run: no start budget.
            .env("TASK_STARTER_API_STARTS_PER_MINUTE", "0")
            .envs(settings.iter().copied())
            .current_dir(scratch)
            .kill_on_drop(true);
        command
    };
    let output = command(&["token", "create", "bench-memory", "--role", "operator"])
        .output()
        .await
        .map_err(|error| format!("{}: {error}", binary.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let token = text
        .lines()
        .find_map(|line| line.strip_prefix("Secret (shown once): "))
        .ok_or_else(|| format!("token create printed no secret: {}", String::from_utf8_lossy(&output.stderr)))?
        .to_owned();
    let child = command(&["serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("{}: {error}", binary.display()))?;
    let served = Served { child, base: format!("http://127.0.0.1:{port}"), token };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(format!("{}/healthz", served.base)).send().await.is_ok_and(|answer| answer.status().is_success())
        {
            return Ok(served);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("serve did not answer /healthz within 30 s".to_owned())
}

/// Waits until no run is pending or running, then until the process is at
/// rest (its heap trimmed after the burst).
async fn settle(client: &reqwest::Client, served: &Served) -> Result<(), String> {
    for _ in 0..3000 {
        let mut busy = false;
        for state in ["pending", "running"] {
            let answer: serde_json::Value = client
                .get(format!("{}/api/v1/runs?state={state}&limit=1", served.base))
                .bearer_auth(&served.token)
                .send()
                .await
                .map_err(|error| error.to_string())?
                .json()
                .await
                .map_err(|error| error.to_string())?;
            busy |= answer["runs"].as_array().is_some_and(|runs| !runs.is_empty());
        }
        if !busy {
            // At rest: past the heap trimmer's two quiet looks (`heap::QUIET`).
            tokio::time::sleep(task_starter::heap::QUIET * 3).await;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("runs were still pending or running 5 minutes after the last start".to_owned())
}

/// A process's resident memory, in bytes, from `/proc/PID/status`.
pub(crate) struct Memory {
    /// `VmRSS`: everything resident.
    pub(crate) resident: u64,
    /// `RssAnon`: the heap and stacks.
    anonymous: u64,
    /// `RssFile`: mapped files (the binary).
    files: u64,
    /// `RssShmem`: shared memory (SQLite's `-shm` WAL index).
    shared: u64,
    /// `VmHWM`: the most resident at any time (since the last [`reset_peak`]).
    pub(crate) peak: u64,
}

pub(crate) fn resident_memory(child: &Child) -> Result<Memory, String> {
    let pid = child.id().ok_or("serve has exited")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|error| error.to_string())?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .ok_or_else(|| format!("/proc/{pid}/status has no {name}"))
    };
    Ok(Memory {
        resident: field("VmRSS:")?,
        anonymous: field("RssAnon:")?,
        files: field("RssFile:")?,
        shared: field("RssShmem:")?,
        peak: field("VmHWM:")?,
    })
}

/// Starts the process's `VmHWM` afresh from its current resident memory
/// (`5` to `/proc/PID/clear_refs`, Linux 4.0 and later).
pub(crate) fn reset_peak(child: &Child) -> Result<(), String> {
    let pid = child.id().ok_or("serve has exited")?;
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").map_err(|error| format!("cannot reset VmHWM: {error}"))
}

pub(crate) async fn stop(mut served: Served) {
    let _ = served.child.start_kill();
    let _ = served.child.wait().await;
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    u64_to_f64(count) / elapsed.as_secs_f64().max(0.001)
}

pub(crate) fn mib(bytes: u64) -> f64 {
    u64_to_f64(bytes) / (1024.0 * 1024.0)
}

#[allow(clippy::cast_precision_loss)]
fn u64_to_f64(value: u64) -> f64 {
    value as f64
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn f64_to_u32(value: f64) -> u32 {
    value as u32
}
