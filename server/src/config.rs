//! The configuration: a TOML file (or the built-in default), with every key
//! overridable by a `TASK_STARTER_*` environment variable.
//!
//! A bad config stops start-up with an error naming the key and where it
//! came from (the file, or the variable).

mod celery;
mod duration;
mod load;
mod operations;
mod values;

pub use celery::CeleryConfig;
pub use duration::ConfigDuration;
pub use load::{ConfigError, ConfigSource, load};
pub use operations::{AuditConfig, NotificationsConfig, NotifyOn, NotifyRule, SearchConfig};
pub use values::{DatabaseUrl, IpNet};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use types::Role;

/// The built-in config, used when no file is given: every shipped task, a
/// command task, an external task, a schedule, and an impersonation user.
pub const DEFAULT_CONFIG: &str = include_str!("config/default.toml");

/// Everything that can be configured.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://FILE` (created when missing) or `postgres://USER@HOST/DB`.
    pub database_url: DatabaseUrl,
    /// Connections in the pool (readers on SQLite).
    pub database_connections: u32,
    /// Where `serve` listens.
    pub listen: SocketAddr,
    /// The address people use to reach the console, when it differs from
    /// `listen` (behind a proxy). An `https://` URL makes cookies `Secure`.
    pub public_url: Option<String>,
    /// The folder with the compiled site (`pkg/` with the wasm, js and css).
    pub site_root: PathBuf,
    /// How many runs of each task are kept (per task: `[tasks.X] history`).
    pub task_history: u32,
    /// The user "Start task as user NAME" runs as.
    pub impersonate_user: Option<String>,
    /// The roles that may start runs as the impersonation user.
    pub impersonate_roles: Vec<Role>,
    /// The tasks the console lists and the API starts; all known tasks when absent.
    pub show_tasks: Option<Vec<String>>,
    pub worker: WorkerConfig,
    pub auth: AuthConfig,
    pub api: ApiConfig,
    pub http: HttpConfig,
    pub outbound: OutboundConfig,
    pub search: SearchConfig,
    pub audit: AuditConfig,
    pub notifications: NotificationsConfig,
    /// The Celery cluster that `kind = "celery"` tasks run on.
    pub celery: CeleryConfig,
    /// Per-task settings, and command and external tasks, by dotted path.
    pub tasks: BTreeMap<String, TaskConfig>,
    pub schedules: Vec<ScheduleConfig>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            database_url: DatabaseUrl::from("sqlite://task-starter.db"),
            database_connections: 8,
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: None,
            site_root: PathBuf::from("target/site"),
            task_history: 10,
            impersonate_user: None,
            impersonate_roles: vec![Role::Admin],
            show_tasks: None,
            worker: WorkerConfig::default(),
            auth: AuthConfig::default(),
            api: ApiConfig::default(),
            http: HttpConfig::default(),
            outbound: OutboundConfig::default(),
            search: SearchConfig::default(),
            audit: AuditConfig::default(),
            notifications: NotificationsConfig::default(),
            celery: CeleryConfig::default(),
            tasks: BTreeMap::new(),
            schedules: Vec::new(),
        }
    }
}

impl Config {
    /// The URL to print and to compare `Origin` headers with.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    /// Whether the console is reached over https (cookies get `Secure` and `__Host-`).
    /// Asked on every request, so it reads the setting without building the URL.
    pub fn is_https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }
}

/// The worker pool.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerConfig {
    /// Runs executed at once by one process.
    pub concurrency: usize,
    /// The most runs claimed in one statement.
    pub claim_batch: usize,
    /// How often to look for work when no notification came.
    pub poll_interval: ConfigDuration,
    /// How long a claim holds without a heartbeat; a dead worker's runs come
    /// back after this. Heartbeats go out every third of it.
    pub lease: ConfigDuration,
    /// How often to look for runs whose lease expired.
    pub rescue_interval: ConfigDuration,
    /// On shutdown, how long running tasks get to finish before they are re-queued.
    pub shutdown_grace: ConfigDuration,
    /// After a cancel, how long a task gets to stop by itself before it is stopped.
    pub cancel_grace: ConfigDuration,
    /// The environment variables command tasks inherit from the server (all
    /// others are cleared; a task's own `env` is added). `TASK_STARTER_*`
    /// variables are never passed on.
    pub command_env: Vec<String>,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            concurrency: 64,
            claim_batch: 256,
            poll_interval: ConfigDuration::secs(2),
            lease: ConfigDuration::secs(15),
            rescue_interval: ConfigDuration::secs(2),
            shutdown_grace: ConfigDuration::secs(10),
            cancel_grace: ConfigDuration::secs(5),
            command_env: ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"].map(str::to_owned).to_vec(),
        }
    }
}

/// Sign-in and sessions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a browser session lasts.
    pub session_ttl: ConfigDuration,
    /// Failed sign-ins allowed per account, and per address, in `login_window`.
    pub login_attempts: u32,
    pub login_window: ConfigDuration,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            session_ttl: ConfigDuration::secs(12 * 3600),
            login_attempts: 5,
            login_window: ConfigDuration::secs(60),
        }
    }
}

/// The JSON API.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Larger request bodies are refused with 413 (a bulk action's body may
    /// always hold its 10,000 ids).
    pub max_body_bytes: usize,
    /// Runs one user or token may start a minute (a burst up to it goes at
    /// once); more are refused with 429 and `Retry-After`. 0: no limit.
    pub starts_per_minute: u32,
}

impl Default for ApiConfig {
    fn default() -> ApiConfig {
        ApiConfig { max_body_bytes: 256 * 1024, starts_per_minute: 100_000 }
    }
}

/// The HTTP listener: how long a client may take, and how many may connect.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// A client that has not sent a request's headers within this is
    /// disconnected (also an idle keep-alive connection).
    pub header_read_timeout: ConfigDuration,
    /// A request not answered within this gets 408.
    pub request_timeout: ConfigDuration,
    /// Connections served at once; further clients wait to be accepted.
    pub max_connections: usize,
    /// Proxies whose `X-Forwarded-For` names the client (addresses or
    /// networks); without them, the connection's own address is the client.
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            header_read_timeout: ConfigDuration::secs(10),
            request_timeout: ConfigDuration::secs(30),
            max_connections: 4096,
            trusted_proxies: Vec::new(),
        }
    }
}

/// HTTP calls the server makes (the webhook task, notifications).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct OutboundConfig {
    /// Whether calls may go to loopback, link-local and private addresses
    /// (off: a task's URL cannot reach the server's own network).
    pub allow_private_addresses: bool,
}

/// How a task declared in the config runs.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeclaredKind {
    /// A program: arguments as JSON on stdin, result on stdout.
    Command,
    /// Run by another system, which reports its runs through the API.
    External,
    /// A Celery task, published to `[celery] broker_url`.
    Celery,
}

/// `[tasks."dotted.path"]`: settings for a built-in task, or a command or
/// external task when `kind` is set.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default)]
#[serde(default, deny_unknown_fields)]
pub struct TaskConfig {
    pub kind: Option<DeclaredKind>,
    pub description: Option<String>,
    /// For command tasks: the program and its arguments.
    pub command: Vec<String>,
    pub working_dir: Option<PathBuf>,
    pub env: BTreeMap<String, String>,
    /// For command and external tasks: the JSON Schema of the arguments.
    pub arguments_schema: Option<serde_json::Value>,
    /// How many runs to keep (overrides `task_history`).
    pub history: Option<u32>,
    pub timeout: Option<ConfigDuration>,
    /// Attempts in all for runs that crash (1: no retries).
    pub max_attempts: Option<u32>,
    /// The wait before the first retry; it doubles for each further one.
    pub retry_backoff: Option<ConfigDuration>,
    /// For Celery tasks: the name the workers registered (default: the path).
    pub celery_name: Option<String>,
    /// For Celery tasks: the queue (default: `celery.default_queue`).
    pub queue: Option<String>,
    /// For Celery tasks: the schema properties sent as positional
    /// arguments, in order; the others go as keyword arguments.
    pub positional: Vec<String>,
    /// For Celery tasks: the exception class whose message is a handled
    /// failure (default `TaskFailure`).
    pub failure_exception: Option<String>,
    /// Whether notifications about this task's runs carry their arguments.
    /// Off by default: arguments may hold secrets (a webhook task's
    /// `Authorization` header, for one).
    pub notify_with_arguments: bool,
}

/// `[[schedules]]`: a task started by cron.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub name: String,
    pub task: String,
    /// Five fields (minute first) or six (second first).
    pub cron: String,
    #[serde(default = "empty_object")]
    pub arguments: serde_json::Value,
    /// The user the runs run as.
    #[serde(default)]
    pub run_as: Option<String>,
    /// Whether a new schedule starts paused (later, the Schedules page decides).
    #[serde(default)]
    pub paused: bool,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn only_an_https_public_url_is_https() {
        let with = |url: Option<&str>| Config { public_url: url.map(str::to_owned), ..Config::default() };
        assert!(with(Some("https://tasks.example.com/")).is_https());
        assert!(!with(Some("http://tasks.example.com")).is_https());
        assert!(!with(None).is_https(), "listening on plain http");
    }
}
