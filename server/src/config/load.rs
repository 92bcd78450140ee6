//! Reading the config: the file (or the built-in default), then the
//! `TASK_STARTER_*` environment variables on top, then checks that need more
//! than one key.

use super::{Config, DEFAULT_CONFIG, DeclaredKind};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variables that are not config keys.
const NOT_KEYS: [&str; 3] = ["TASK_STARTER_CONFIG", "TASK_STARTER_ADMIN_PASSWORD", "TASK_STARTER_LOG"];
const PREFIX: &str = "TASK_STARTER_";

/// Where the config came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigSource {
    File(PathBuf),
    BuiltIn,
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigSource::File(path) => write!(f, "{}", path.display()),
            ConfigSource::BuiltIn => f.write_str("the built-in default config"),
        }
    }
}

/// A config that cannot be used, with the key and where it was set.
#[derive(Debug, thiserror::Error)]
#[error("bad config{}{}: {message}", .key.as_ref().map(|key| format!(" key `{key}`")).unwrap_or_default(), format_args!(" in {}", .origin))]
pub struct ConfigError {
    pub key: Option<String>,
    /// The file, the built-in config, or the environment variable.
    pub origin: String,
    pub message: String,
}

/// Reads the config from `path` (or the built-in one) with `vars` (the
/// process environment) on top.
pub fn load(
    path: Option<&Path>,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<(Config, ConfigSource), ConfigError> {
    let (text, source) = match path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
                key: None,
                origin: path.display().to_string(),
                message: format!("cannot read the file: {error}"),
            })?;
            (text, ConfigSource::File(path.to_owned()))
        }
        None => (DEFAULT_CONFIG.to_owned(), ConfigSource::BuiltIn),
    };
    let mut table: toml::Table = toml::from_str(&text).map_err(|error| ConfigError {
        key: None,
        origin: source.to_string(),
        message: error.to_string(),
    })?;
    let overridden = apply_environment(&mut table, vars)?;
    let config: Config = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|error| {
        let key = error.path().to_string();
        let origin = overridden
            .iter()
            .find(|(set, _)| key == **set || key.starts_with(&format!("{set}.")) || key.starts_with(&format!("{set}[")))
            .map_or_else(|| source.to_string(), |(_, variable)| variable.clone());
        ConfigError { key: Some(key), origin, message: error.into_inner().to_string() }
    })?;
    check(&config).map_err(|(key, message)| ConfigError { key: Some(key), origin: source.to_string(), message })?;
    Ok((config, source))
}

/// Sets `TASK_STARTER_WORKER_CONCURRENCY=8` as `worker.concurrency = 8`, and so
/// on; returns which variable set which key.
fn apply_environment(
    table: &mut toml::Table,
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let sections = sections();
    let mut overridden = BTreeMap::new();
    for (name, value) in vars {
        let Some(rest) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if NOT_KEYS.contains(&name.as_str()) || rest.is_empty() {
            continue;
        }
        let key = rest.to_ascii_lowercase();
        let parsed = parse_value(&value);
        let path = if let Some(section) = sections.iter().find(|section| key.starts_with(&format!("{section}_"))) {
            let field = key[section.len() + 1..].to_owned();
            let entry = table.entry(section.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            let toml::Value::Table(inner) = entry else {
                return Err(ConfigError {
                    key: Some(section.clone()),
                    origin: name,
                    message: "is not a table".to_owned(),
                });
            };
            inner.insert(field.clone(), parsed);
            format!("{section}.{field}")
        } else {
            table.insert(key.clone(), parsed);
            key
        };
        overridden.insert(path, name);
    }
    Ok(overridden)
}

/// The config's sections (`worker`, `auth`, `api`): tables with fixed keys.
fn sections() -> Vec<String> {
    let Ok(toml::Value::Table(defaults)) = toml::Value::try_from(Config::default()) else {
        return Vec::new();
    };
    defaults.into_iter().filter(|(key, value)| value.is_table() && key != "tasks").map(|(key, _)| key).collect()
}

/// A variable's value as TOML (`8`, `true`, `["a", "b"]`), or else as a string.
fn parse_value(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("value = {text}"))
        .ok()
        .and_then(|mut table| table.remove("value"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// The `[celery]` section: both URLs or neither, and sane bounds.
fn check_celery(celery: &super::CeleryConfig) -> Result<(), (String, String)> {
    let key = |field: &str| format!("celery.{field}");
    match (&celery.broker_url, &celery.result_backend) {
        (Some(_), None) => {
            return Err((
                key("result_backend"),
                "the Celery runner reads results from a Redis result backend: set it (redis://host:port/db)".to_owned(),
            ));
        }
        (None, Some(_)) => return Err((key("broker_url"), "is needed when result_backend is set".to_owned())),
        _ => {}
    }
    // The URLs are parsed, never echoed: they may hold passwords.
    if let Some(url) = &celery.broker_url
        && let Err(error) = crate::engine::celery::url::BrokerUrl::parse(url)
    {
        return Err((key("broker_url"), error.to_string()));
    }
    if let Some(url) = &celery.result_backend
        && let Err(error) = crate::engine::celery::url::RedisAddress::parse(url)
    {
        return Err((key("result_backend"), error.to_string()));
    }
    if celery.default_queue.is_empty() || celery.default_queue.len() > 255 {
        return Err((key("default_queue"), "must be 1 to 255 bytes".to_owned()));
    }
    if celery.max_in_flight == 0 {
        return Err((key("max_in_flight"), "must be at least 1".to_owned()));
    }
    if celery.poll_interval.0.as_millis() < 50 {
        return Err((key("poll_interval"), "must be at least 50ms".to_owned()));
    }
    Ok(())
}

/// A Celery task's own keys: only on Celery tasks, with the runner on;
/// names are bounded; retries belong to the Celery task itself.
fn check_celery_task(config: &Config, task: &super::TaskConfig) -> Result<(), (&'static str, String)> {
    let celery = task.kind == Some(DeclaredKind::Celery);
    let set = [
        ("celery_name", task.celery_name.is_some()),
        ("queue", task.queue.is_some()),
        ("positional", !task.positional.is_empty()),
        ("failure_exception", task.failure_exception.is_some()),
    ];
    if !celery && let Some((field, _)) = set.iter().find(|(_, set)| *set) {
        return Err((field, "only tasks with kind = \"celery\" have it".to_owned()));
    }
    if !celery {
        return Ok(());
    }
    if !config.celery.is_on() {
        return Err(("kind", "a Celery task needs [celery] broker_url and result_backend".to_owned()));
    }
    for (field, value) in
        [("celery_name", &task.celery_name), ("queue", &task.queue), ("failure_exception", &task.failure_exception)]
    {
        if let Some(value) = value
            && (value.is_empty() || value.len() > 255)
        {
            return Err((field, "must be 1 to 255 bytes".to_owned()));
        }
    }
    if task.max_attempts.is_some_and(|attempts| attempts > 1) {
        return Err((
            "max_attempts",
            "a Celery task retries as its Python code says (autoretry_for, self.retry); Task Starter follows the retries".to_owned(),
        ));
    }
    for (index, name) in task.positional.iter().enumerate() {
        if task.positional[..index].contains(name) {
            return Err(("positional", format!("{name:?} is listed twice")));
        }
    }
    Ok(())
}

/// Notification URLs are http(s) URLs (their values are never echoed: they
/// hold secrets), a message is tried at least once, and a URL's queue holds
/// at least one message.
fn check_notifications(config: &super::NotificationsConfig) -> Result<(), (String, String)> {
    if config.attempts == 0 {
        return Err(("notifications.attempts".to_owned(), "must be at least 1".to_owned()));
    }
    if config.queue_limit == 0 {
        return Err(("notifications.queue_limit".to_owned(), "must be at least 1".to_owned()));
    }
    let rules = std::iter::once(("notifications.urls".to_owned(), &config.urls))
        .chain(config.tasks.iter().map(|(path, rule)| (format!("notifications.tasks.\"{path}\".urls"), &rule.urls)));
    for (key, urls) in rules {
        for (index, url) in urls.iter().enumerate() {
            let fine = reqwest::Url::parse(url).is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
            if !fine {
                return Err((format!("{key}[{index}]"), "is not an http:// or https:// URL".to_owned()));
            }
        }
    }
    Ok(())
}

/// Checks that involve more than one key. Returns the key at fault.
fn check(config: &Config) -> Result<(), (String, String)> {
    let positive = [
        ("task_history", config.task_history as usize),
        ("database_connections", config.database_connections as usize),
        ("worker.concurrency", config.worker.concurrency),
        ("worker.claim_batch", config.worker.claim_batch),
        ("api.max_body_bytes", config.api.max_body_bytes),
        ("auth.login_attempts", config.auth.login_attempts as usize),
        ("http.max_connections", config.http.max_connections),
        ("search.connections", config.search.connections as usize),
    ];
    if let Some((key, _)) = positive.iter().find(|(_, value)| *value == 0) {
        return Err(((*key).to_owned(), "must be at least 1".to_owned()));
    }
    if config.worker.lease.0.as_millis() < 300 {
        return Err(("worker.lease".to_owned(), "must be at least 300ms".to_owned()));
    }
    for (key, duration) in [
        ("http.header_read_timeout", config.http.header_read_timeout),
        ("http.request_timeout", config.http.request_timeout),
    ] {
        if duration.0.as_millis() < 100 {
            return Err((key.to_owned(), "must be at least 100ms".to_owned()));
        }
    }
    if config.search.timeout.0.as_millis() < 10 {
        return Err(("search.timeout".to_owned(), "must be at least 10ms".to_owned()));
    }
    if let Some(name) = config.worker.command_env.iter().find(|name| name.to_ascii_uppercase().starts_with(PREFIX)) {
        return Err((
            "worker.command_env".to_owned(),
            format!(
                "{name:?}: the server's own {PREFIX}* variables (its database URL, its admin password) never reach a task"
            ),
        ));
    }
    if let Some(user) = &config.impersonate_user
        && user.trim().is_empty()
    {
        return Err(("impersonate_user".to_owned(), "must not be empty; leave it out instead".to_owned()));
    }
    for (path, task) in &config.tasks {
        let key = |field: &str| format!("tasks.\"{path}\".{field}");
        if path.trim().is_empty() || path.contains(char::is_whitespace) {
            return Err((format!("tasks.\"{path}\""), "a task path is dotted words without spaces".to_owned()));
        }
        match task.kind {
            Some(DeclaredKind::Command) if task.command.is_empty() => {
                return Err((
                    key("command"),
                    "a command task needs the program to run, e.g. [\"python3\", \"job.py\"]".to_owned(),
                ));
            }
            Some(DeclaredKind::External | DeclaredKind::Command | DeclaredKind::Celery) | None => {}
        }
        check_celery_task(config, task).map_err(|(field, message)| (key(field), message))?;
        if task.kind != Some(DeclaredKind::Command) && !task.command.is_empty() {
            return Err((key("command"), "only tasks with kind = \"command\" have a command".to_owned()));
        }
        if task.max_attempts == Some(0) {
            return Err((key("max_attempts"), "must be at least 1".to_owned()));
        }
        if let Some(schema) = &task.arguments_schema
            && let Err(error) = crate::engine::schema::ArgumentsValidator::new(schema)
        {
            return Err((key("arguments_schema"), format!("not a schema Task Starter checks: {error}")));
        }
    }
    check_notifications(&config.notifications)?;
    check_celery(&config.celery)?;
    for (index, path) in config.search.indexed_arguments.iter().enumerate() {
        if let Err(error) = types::ArgumentMatch::parse(path, "0") {
            return Err((format!("search.indexed_arguments[{index}]"), error));
        }
    }
    for (index, schedule) in config.schedules.iter().enumerate() {
        if config.schedules[..index].iter().any(|other| other.name == schedule.name) {
            return Err((format!("schedules[{index}].name"), format!("{:?} is used twice", schedule.name)));
        }
        if let Err(error) = crate::engine::cron::Cron::parse(&schedule.cron) {
            return Err((format!("schedules[{index}].cron"), error));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect()
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    #[test]
    fn the_built_in_config_loads_and_impersonates_batch() {
        let (config, source) = load(None, vars(&[])).unwrap();
        assert_eq!(source, ConfigSource::BuiltIn);
        assert_eq!(config.impersonate_user.as_deref(), Some("batch"));
        assert!(config.tasks.contains_key("examples.external.sync"));
    }

    #[test]
    fn environment_variables_override_file_keys() {
        let config_file = file("task_history = 3\n[worker]\nconcurrency = 2\n");
        let (config, _) = load(
            Some(config_file.path()),
            vars(&[
                ("TASK_STARTER_WORKER_CONCURRENCY", "9"),
                ("TASK_STARTER_DATABASE_URL", "postgres://x@y/z"),
                ("TASK_STARTER_CONFIG", "ignored.toml"),
                ("UNRELATED", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(config.task_history, 3);
        assert_eq!(config.worker.concurrency, 9);
        assert_eq!(config.database_url.expose(), "postgres://x@y/z");
    }

    #[test]
    fn a_bad_value_names_the_key_and_the_file() {
        let config_file = file("[worker]\nconcurrency = \"lots\"\n");
        let error = load(Some(config_file.path()), vars(&[])).unwrap_err();
        assert_eq!(error.key.as_deref(), Some("worker.concurrency"));
        let text = error.to_string();
        assert!(text.contains("worker.concurrency"), "{text}");
        assert!(text.contains(&config_file.path().display().to_string()), "{text}");
    }

    #[test]
    fn a_bad_variable_is_named_as_the_origin() {
        let error = load(None, vars(&[("TASK_STARTER_WORKER_LEASE", "forever")])).unwrap_err();
        assert_eq!(error.key.as_deref(), Some("worker.lease"));
        assert_eq!(error.origin, "TASK_STARTER_WORKER_LEASE");
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let config_file = file("task_histroy = 20\n");
        let error = load(Some(config_file.path()), vars(&[])).unwrap_err();
        assert!(error.to_string().contains("task_histroy"), "{error}");
    }

    #[test]
    fn a_command_task_without_a_command_is_refused() {
        let config_file = file("[tasks.\"x.y\"]\nkind = \"command\"\n");
        let error = load(Some(config_file.path()), vars(&[])).unwrap_err();
        assert_eq!(error.key.as_deref(), Some("tasks.\"x.y\".command"));
    }

    #[test]
    fn a_bad_cron_is_refused() {
        let config_file = file("[[schedules]]\nname = \"n\"\ntask = \"t\"\ncron = \"every day\"\n");
        let error = load(Some(config_file.path()), vars(&[])).unwrap_err();
        assert_eq!(error.key.as_deref(), Some("schedules[0].cron"));
    }
}
