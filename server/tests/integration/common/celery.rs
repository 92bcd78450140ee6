//! Real Celery workers for the Celery room's tests: the Python app in
//! `server/tests/celery/tasks.py`, run by the `celery` of the test venv
//! (`.ci/install-test-tools` installs it). Each test gets its own queue,
//! worker name and, on Redis, its own key prefix (broker db 10, backend
//! db 11), so tests running side by side never see each other's messages.
//! A worker is killed with its pool processes when the test ends, even on
//! a panic.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use task_starter::engine::celery::{Broker, ResultBackend, TaskState};
use uuid::Uuid;

/// The two brokers Celery runs on here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerKind {
    Redis,
    RabbitMq,
}

/// Runs an async test body on Redis and on RabbitMQ:
/// `on_both_brokers!(name, |kind| async move { ... });`
#[macro_export]
macro_rules! on_both_brokers {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                ($body)($crate::common::celery::BrokerKind::Redis).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn rabbitmq() {
                ($body)($crate::common::celery::BrokerKind::RabbitMq).await;
            }
        }
    };
}

/// Bounds every broker call in the tests.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// One test's corner of the brokers: its queue, prefix and URLs.
pub struct CeleryEnv {
    pub kind: BrokerKind,
    pub broker_url: String,
    pub backend_url: String,
    pub queue: String,
    /// The app's `global_keyprefix` (the broker's on Redis, the backend's on both).
    pub key_prefix: String,
    pub name: String,
}

impl CeleryEnv {
    pub fn new(kind: BrokerKind, test: &str) -> CeleryEnv {
        let unique = &Uuid::new_v4().simple().to_string()[..8];
        let name = format!("{test}-{unique}");
        let broker_url = match kind {
            BrokerKind::Redis => "redis://127.0.0.1:6379/10",
            BrokerKind::RabbitMq => "amqp://guest:guest@127.0.0.1:5672//",
        };
        // On RabbitMQ the prefix applies to the result backend only.
        let key_prefix = format!("ts-{name}:");
        CeleryEnv {
            kind,
            broker_url: broker_url.to_owned(),
            backend_url: "redis://127.0.0.1:6379/11".to_owned(),
            queue: format!("ts.{name}"),
            key_prefix,
            name,
        }
    }

    pub fn broker(&self) -> Broker {
        Broker::new(&self.broker_url, &self.key_prefix, TIMEOUT).unwrap()
    }

    pub fn backend(&self) -> ResultBackend {
        ResultBackend::new(&self.backend_url, &self.key_prefix, TIMEOUT).unwrap()
    }

    /// A worker of `tasks.py` on this test's queue (prefork, one process,
    /// task events on, no heartbeats), once it says it is ready.
    pub fn worker(&self) -> Worker {
        self.worker_with(&["--task-events", "--without-heartbeat"])
    }

    pub fn worker_with(&self, extra: &[&str]) -> Worker {
        Worker::start(self, extra)
    }

    /// Waits until the backend records an ended (or `wanted`) state for `id`.
    pub async fn wait_for(&self, id: &str, within: Duration, wanted: impl Fn(&TaskState) -> bool) -> TaskState {
        let backend = self.backend();
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let state = backend.state(id).await.unwrap();
            if wanted(&state) || tokio::time::Instant::now() > deadline {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for CeleryEnv {
    /// Removes the test's keys, and on RabbitMQ its queue and exchange.
    fn drop(&mut self) {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/celery/cleanup.py");
        let cleanup = |args: &[&str]| {
            let _ = Command::new(venv().join("bin/python")).arg(&script).args(args).stderr(Stdio::null()).status();
        };
        match self.kind {
            BrokerKind::Redis => cleanup(&["redis", &self.key_prefix, &self.broker_url, &self.backend_url]),
            BrokerKind::RabbitMq => {
                cleanup(&["redis", &self.key_prefix, &self.backend_url]);
                cleanup(&["amqp", &self.queue]);
            }
        }
    }
}

/// A running `celery worker`, killed (with its pool) when dropped.
pub struct Worker {
    child: Child,
    /// `name@host`, as workers answer pidbox commands.
    pub hostname: String,
    log: Arc<Mutex<Vec<String>>>,
}

/// The test virtualenv with Python's Celery.
pub fn venv() -> PathBuf {
    std::env::var_os("TASK_STARTER_VENV").map_or_else(
        || PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/task-starter/venv"),
        PathBuf::from,
    )
}

impl Worker {
    fn start(env: &CeleryEnv, extra: &[&str]) -> Worker {
        let celery = venv().join("bin/celery");
        assert!(
            Command::new(&celery).arg("--version").output().is_ok_and(|out| out.status.success()),
            "the Celery tests need Python's Celery at {}: run .ci/install-test-tools, or \
             python3 -m venv ~/.cache/task-starter/venv && ~/.cache/task-starter/venv/bin/pip install \"celery[redis]\"",
            celery.display()
        );
        let app = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/celery");
        let node = format!("{}@task-starter-tests", env.name);
        let mut command = Command::new(&celery);
        command
            .current_dir(&app)
            .args(["-A", "tasks", "worker", "--loglevel=INFO", "--pool=prefork", "--concurrency=1"])
            .args(["--prefetch-multiplier=1", "--without-gossip", "--without-mingle"])
            .args(["-Q", &env.queue, "-n", &node])
            .args(extra)
            .env("CELERY_BROKER_URL", &env.broker_url)
            .env("CELERY_RESULT_BACKEND", &env.backend_url)
            .env("CELERY_KEY_PREFIX", &env.key_prefix)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn().expect("celery worker starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr piped");
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(" ready.") {
                    let _ = ready_tx.send(());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let worker = Worker { child, hostname: node, log };
        assert!(
            ready_rx.recv_timeout(Duration::from_secs(90)).is_ok(),
            "the Celery worker did not get ready within 90 s; its log:\n{}",
            worker.log()
        );
        worker
    }

    /// What the worker logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // The whole process group: the main process and its pool children.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// The Celery tasks of `tasks.py` as Task Starter declares them, under
/// `tests.celery.*`, on this test's queue.
pub fn runner_config(env: &CeleryEnv) -> task_starter::config::Config {
    use task_starter::config::{ConfigDuration, DeclaredKind, TaskConfig};
    let mut config = crate::common::test_config();
    config.celery.broker_url = Some(env.broker_url.clone());
    config.celery.result_backend = Some(env.backend_url.clone());
    config.celery.default_queue.clone_from(&env.queue);
    config.celery.key_prefix.clone_from(&env.key_prefix);
    config.celery.poll_interval = ConfigDuration::millis(100);
    let declare = |name: &str, positional: &[&str]| TaskConfig {
        kind: Some(DeclaredKind::Celery),
        celery_name: Some(format!("tasks.{name}")),
        positional: positional.iter().map(|name| (*name).to_owned()).collect(),
        history: Some(50),
        ..TaskConfig::default()
    };
    for (name, positional) in [
        ("add", &["a", "b"][..]),
        ("echo", &["first", "second"][..]),
        ("fail_handled", &["message"][..]),
        ("crash", &[][..]),
        ("sleep", &["seconds"][..]),
        ("whoami", &[][..]),
        ("not_there", &[][..]),
    ] {
        config.tasks.insert(format!("tests.celery.{name}"), declare(name, positional));
    }
    config
}

/// Task Starter with the Celery runner of `config` and a worker pool.
pub async fn runner_app(
    database: crate::common::Database,
    config: task_starter::config::Config,
) -> crate::common::TestApp {
    let mut app = crate::common::TestApp::with_config(database, config.clone(), false).await;
    app.runtime.engine.spawn_celery(&config.celery).unwrap();
    app.workers = Some(app.runtime.engine.spawn_workers());
    app
}

/// Sends `name` with `args` from Python, as the team's own code would
/// (`app.send_task`); returns the Celery task id.
pub fn send_from_python(env: &CeleryEnv, name: &str, args: &str) -> String {
    let app = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/celery");
    let script =
        format!("from tasks import app; print(app.send_task({name:?}, args={args}, queue={:?}).id)", env.queue);
    let output = Command::new(venv().join("bin/python"))
        .current_dir(&app)
        .args(["-c", &script])
        .env("CELERY_BROKER_URL", &env.broker_url)
        .env("CELERY_RESULT_BACKEND", &env.backend_url)
        .env("CELERY_KEY_PREFIX", &env.key_prefix)
        .output()
        .expect("python runs");
    assert!(output.status.success(), "send_task failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}
