//! Flower, Celery's monitor, beside the HTTP figures, when it is installed
//! (`.ci/install-peers` puts it and Celery in `target/peers/venv`): a real
//! Celery worker of `server/tests/celery/tasks.py` on Redis (databases 14
//! and 15, queue `bench-flower`) runs N tasks with events on; Flower,
//! watching it, is then loaded with the same `wrk` as our endpoints:
//!
//! - a task's info (`/api/task/info/{id}`) beside our run's info;
//! - its task list (`/api/tasks?limit=20`) beside our task's history;
//! - its resident memory once it has seen every task.
//!
//! Flower's API is unauthenticated here (`FLOWER_UNAUTHENTICATED_API`);
//! ours is asked with a token, so Flower's figures are its best case.

use super::http::{Figure, Load, Target, wrk};
use super::memory::{mib, resident_memory};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const BROKER: &str = "redis://127.0.0.1:6379/14";
const BACKEND: &str = "redis://127.0.0.1:6379/15";
const QUEUE: &str = "bench-flower";
/// How long the worker may take to run every task before the bench gives up.
const DRAIN_LIMIT: Duration = Duration::from_mins(10);

/// Flower's virtualenv, if Flower is installed in it.
pub fn installed(peers: &Path) -> Option<PathBuf> {
    let venv = peers.join("venv");
    let celery = venv.join("bin").join("celery");
    let has_flower = std::fs::read_dir(venv.join("lib"))
        .ok()?
        .flatten()
        .any(|python| python.path().join("site-packages").join("flower").is_dir());
    (celery.is_file() && has_flower).then(|| venv.canonicalize().ok()).flatten()
}

/// The folder of the Celery app the worker and Flower load.
fn celery_app() -> Result<PathBuf, String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("celery");
    folder.join("tasks.py").is_file().then_some(folder).ok_or_else(|| "server/tests/celery/tasks.py is missing".into())
}

fn celery(venv: &Path, app: &Path, arguments: &[&str]) -> Command {
    let mut command = Command::new(venv.join("bin").join("celery"));
    command
        .args(["-A", "tasks"])
        .args(arguments)
        .current_dir(app)
        .env("PYTHONPATH", app)
        .env("CELERY_BROKER_URL", BROKER)
        .env("CELERY_RESULT_BACKEND", BACKEND)
        .env("CELERY_DEFAULT_QUEUE", QUEUE)
        .env("FLOWER_UNAUTHENTICATED_API", "true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    command
}

/// Flower's figures after `tasks` tasks, with ours (`run`, `history`)
/// beside them, printed; or a line saying how to install it.
pub async fn beside(peers: &Path, ours: &[(&'static str, f64)], tasks: usize, load: &Load, scratch: &Path) {
    let Some(venv) = installed(peers) else {
        println!("flower   not installed in {} (./.ci/install-peers)", peers.display());
        return;
    };
    if let Err(error) = figures(&venv, ours, tasks, load, scratch).await {
        println!("flower   could not be measured: {error}");
    }
}

async fn figures(
    venv: &Path,
    ours: &[(&'static str, f64)],
    tasks: usize,
    load: &Load,
    scratch: &Path,
) -> Result<(), String> {
    let app = celery_app()?;
    flush(venv, &app).await?;
    let port = free_port().await?;
    let mut worker =
        celery(venv, &app, &["worker", "-E", "-Q", QUEUE, "-c", "2", "--without-gossip", "--without-mingle"])
            .spawn()
            .map_err(|error| format!("the Celery worker could not be started: {error}"))?;
    let mut flower = celery(venv, &app, &["flower", "--address=127.0.0.1", &format!("--port={port}")])
        .spawn()
        .map_err(|error| format!("Flower could not be started: {error}"))?;
    let base = format!("http://127.0.0.1:{port}");
    let measured = measure(venv, &app, &base, &flower, tasks, load, scratch).await;
    let _ = worker.start_kill();
    let _ = flower.start_kill();
    let _ = worker.wait().await;
    let _ = flower.wait().await;
    flush(venv, &app).await?;
    let (info, list, rss) = measured?;
    let ratio = |key: &str, theirs: &Figure| {
        ours.iter()
            .find(|(name, _)| *name == key)
            .map_or(String::new(), |(_, rate)| format!("   ours ({key}) {:.1}×", rate / theirs.per_second))
    };
    for (figure, key) in [(&info, "run"), (&list, "history")] {
        println!(
            "flower   {:<34} {:>9.0} req/s   p99 {:>6.2} ms{}",
            figure.name,
            figure.per_second,
            figure.p99_ms,
            ratio(key, figure)
        );
    }
    println!("flower   resident memory after {tasks} tasks      {:>9.1} MiB", mib(rss));
    Ok(())
}

/// Sends the tasks, waits until Flower has seen them succeed, then loads it.
async fn measure(
    venv: &Path,
    app: &Path,
    base: &str,
    flower: &Child,
    tasks: usize,
    load: &Load,
    scratch: &Path,
) -> Result<(Figure, Figure, u64), String> {
    let client = reqwest::Client::new();
    wait_until(DRAIN_LIMIT, "Flower to answer", || async {
        client.get(format!("{base}/metrics")).send().await.is_ok()
    })
    .await?;
    send(venv, app, tasks).await?;
    // apply_async.py sends one more task before it starts its clock.
    let expected = tasks + 1;
    wait_until(DRAIN_LIMIT, "Flower to see every task succeed", || async {
        succeeded(&client, base).await.is_some_and(|seen| seen >= expected)
    })
    .await?;
    let listing: serde_json::Map<String, serde_json::Value> = client
        .get(format!("{base}/api/tasks?limit=1"))
        .send()
        .await
        .map_err(|error| error.to_string())?
        .json()
        .await
        .map_err(|error| format!("Flower's task list is not JSON: {error}"))?;
    let id = listing.keys().next().ok_or("Flower listed no task")?;
    let info =
        wrk(&Target::get("info", "GET /api/task/info/{id}", format!("{base}/api/task/info/{id}"), None), load, scratch)
            .await?;
    let list =
        wrk(&Target::get("list", "GET /api/tasks?limit=20", format!("{base}/api/tasks?limit=20"), None), load, scratch)
            .await?;
    let rss = resident_memory(flower).map_err(|error| format!("Flower's memory: {error}"))?.resident;
    Ok((info, list, rss))
}

/// The number of `task-succeeded` events Flower has counted.
async fn succeeded(client: &reqwest::Client, base: &str) -> Option<usize> {
    let text = client.get(format!("{base}/metrics")).send().await.ok()?.text().await.ok()?;
    let counts = text
        .lines()
        .filter(|line| line.starts_with("flower_events_total{") && line.contains("type=\"task-succeeded\""))
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok());
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(counts.sum::<f64>() as usize)
}

async fn wait_until<F, Fut>(limit: Duration, what: &str, mut ready: F) -> Result<(), String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let began = Instant::now();
    while !ready().await {
        if began.elapsed() > limit {
            return Err(format!("gave up waiting for {what} after {} s", limit.as_secs()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// N `send_task` calls from Python, as an app's code sends them.
async fn send(venv: &Path, app: &Path, tasks: usize) -> Result<(), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bin/bench_celery/apply_async.py");
    python(venv, app, &[&script.to_string_lossy(), &tasks.to_string(), QUEUE]).await
}

/// Empties the bench's own Redis databases.
async fn flush(venv: &Path, app: &Path) -> Result<(), String> {
    let code = format!("import redis\nfor url in ('{BROKER}', '{BACKEND}'): redis.Redis.from_url(url).flushdb()");
    python(venv, app, &["-c", &code]).await
}

async fn python(venv: &Path, app: &Path, arguments: &[&str]) -> Result<(), String> {
    let output = Command::new(venv.join("bin").join("python"))
        .args(arguments)
        .current_dir(app)
        .env("PYTHONPATH", app)
        .env("CELERY_BROKER_URL", BROKER)
        .env("CELERY_RESULT_BACKEND", BACKEND)
        .output()
        .await
        .map_err(|error| format!("python could not be started: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("python {}: {}", arguments.join(" "), String::from_utf8_lossy(&output.stderr)))
    }
}

async fn free_port() -> Result<u16, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|error| error.to_string())?;
    Ok(listener.local_addr().map_err(|error| error.to_string())?.port())
}
