//! The HTTP figures, measured with `wrk` from the same machine against
//! servers in this process, each served the way `serve` serves:
//!
//! - the ceiling: a bare axum handler answering a run's JSON (no layer, no
//!   database);
//! - the middleware alone: the same handler behind every layer of the
//!   application (limits, headers, metrics, who is asking by token);
//! - the real endpoints: `/healthz`, `/login`, a run's info, a task's
//!   history, five runs by id, and a start.
//!
//! Each line gives requests per second, p99, and the ratio to the ceiling.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::path::Path;
use std::time::Duration;
use task_starter::runtime::Runtime;
use task_starter::web;
use tokio::net::TcpListener;
use types::{NewToken, Origin, Role};

/// The body of a start with no arguments.
pub(crate) const START_BODY: &str = r#"{"arguments": {}}"#;

/// How wrk is run.
#[derive(Clone, Debug)]
pub struct Load {
    /// The figures to measure by key (`run,start`); all when empty. The
    /// ceiling is always measured.
    pub only: Vec<String>,
    pub seconds: u32,
    pub connections: u32,
    pub threads: u32,
}

/// One figure: its name, requests per second, p99 in ms, and how many
/// requests wrk made.
pub(crate) struct Figure {
    pub(crate) name: String,
    pub(crate) per_second: f64,
    pub(crate) p99_ms: f64,
    pub(crate) requests: u64,
}

/// What a request of a figure is.
pub(crate) struct Target {
    /// What `--figures` names it by.
    key: &'static str,
    name: &'static str,
    url: String,
    bearer: Option<String>,
    post_json: Option<&'static str>,
}

impl Target {
    pub(crate) fn get(key: &'static str, name: &'static str, url: String, bearer: Option<String>) -> Target {
        Target { key, name, url, bearer, post_json: None }
    }

    pub(crate) fn post(
        key: &'static str,
        name: &'static str,
        url: String,
        bearer: Option<String>,
        body: &'static str,
    ) -> Target {
        Target { post_json: Some(body), ..Target::get(key, name, url, bearer) }
    }
}

/// A router answering `path` with `body` as JSON, and nothing else.
fn answering<S: Clone + Send + Sync + 'static>(path: &str, body: Vec<u8>) -> Router<S> {
    Router::new().route(
        path,
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body).into_response() }
        }),
    )
}

/// Serves `app` on a free loopback port; returns its base URL.
async fn serve(app: Router, runtime: &Runtime) -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|error| error.to_string())?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let limits = runtime.config.http.clone();
    tokio::spawn(async move { web::listener::serve(listener, app, &limits, std::future::pending()).await });
    Ok(format!("http://{address}"))
}

/// Every figure on `runtime`'s database, printed as they come; returns
/// each figure's key and requests per second.
pub async fn figures(
    runtime: &Runtime,
    kind: &str,
    load: &Load,
    scratch: &Path,
) -> Result<Vec<(&'static str, f64)>, String> {
    let workers = runtime.engine.spawn_workers();
    let admin = super::bench_principal();
    let service = &runtime.service;
    let token = service
        .create_token(&admin, NewToken { name: "bench-http".to_owned(), role: Role::Operator })
        .await
        .map_err(|error| error.to_string())?
        .secret;
    let run = service.start(&admin, "bench.noop", super::request(), Origin::Api).await.map_err(|e| e.to_string())?;
    let run = service.wait(&admin, run.id, |_| {}).await.map_err(|error| error.to_string())?;
    let body = serde_json::to_vec(&run).map_err(|error| error.to_string())?;

    let layered = web::behind_layers(runtime, answering("/bare", body.clone()));
    let (bare_url, layered_url, app_url) = (
        serve(answering("/bare", body).with_state(()), runtime).await?,
        serve(layered, runtime).await?,
        serve(web::router(runtime), runtime).await?,
    );
    let (id, auth) = (run.id, Some(token));
    let history = format!("{app_url}/api/v1/tasks/bench.noop/runs");
    let targets = [
        Target::get("ceiling", "bare axum handler (ceiling)", format!("{bare_url}/bare"), None),
        Target::get("middleware", "middleware alone, token", format!("{layered_url}/bare"), auth.clone()),
        Target::get("healthz", "GET /healthz", format!("{app_url}/healthz"), None),
        Target::get("login", "GET /login", format!("{app_url}/login"), None),
        Target::get("run", "GET /api/v1/runs/{id}", format!("{app_url}/api/v1/runs/{id}"), auth.clone()),
        Target::get("history", "GET /api/v1/tasks/{path}/runs", history.clone(), auth.clone()),
        Target::get(
            "ids",
            "GET /api/v1/runs?ids= (5)",
            format!("{app_url}/api/v1/runs?ids={id},{id},{id},{id},{id}"),
            auth.clone(),
        ),
        Target::post("start", "POST …/runs (start)", history, auth, START_BODY),
    ];
    let mut ceiling = None;
    let mut measured = Vec::new();
    let wanted = |target: &Target| {
        target.key == "ceiling" || load.only.is_empty() || load.only.iter().any(|key| key == target.key)
    };
    for target in targets.iter().filter(|target| wanted(target)) {
        let figure = wrk(target, load, scratch).await?;
        let base = *ceiling.get_or_insert(figure.per_second);
        println!(
            "{kind:<8} {:<34} {:>9.0} req/s   p99 {:>6.2} ms   {:>4.2}× the ceiling",
            figure.name,
            figure.per_second,
            figure.p99_ms,
            figure.per_second / base
        );
        measured.push((target.key, figure.per_second));
        // Let the workers drain the starts before the next figure.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    workers.shutdown().await;
    Ok(measured)
}

/// Runs wrk against `target`; reads its requests per second and p99.
pub(crate) async fn wrk(target: &Target, load: &Load, scratch: &Path) -> Result<Figure, String> {
    let mut command = tokio::process::Command::new("wrk");
    command.args([
        format!("-t{}", load.threads),
        format!("-c{}", load.connections),
        format!("-d{}s", load.seconds),
        "--latency".to_owned(),
    ]);
    if let Some(token) = &target.bearer {
        command.arg("-H").arg(format!("Authorization: Bearer {token}"));
    }
    if let Some(body) = target.post_json {
        let script = scratch.join("post.lua");
        let lua = format!(
            "wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
        );
        std::fs::write(&script, lua).map_err(|error| format!("{}: {error}", script.display()))?;
        command.arg("-s").arg(&script);
    }
    let output = command
        .arg(&target.url)
        .output()
        .await
        .map_err(|error| format!("wrk could not be started ({error}); install it: apt-get install wrk"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("wrk failed on {}: {text}{}", target.url, String::from_utf8_lossy(&output.stderr)));
    }
    if let Some(line) = text.lines().find(|line| line.contains("Non-2xx")) {
        return Err(format!("{}: {}", target.name, line.trim()));
    }
    let per_second = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Requests/sec:"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("wrk printed no rate: {text}"))?;
    let p99_ms = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("99%"))
        .and_then(|value| milliseconds(value.trim()))
        .ok_or_else(|| format!("wrk printed no p99: {text}"))?;
    let requests = text
        .lines()
        .find_map(|line| line.trim().split_once(" requests in "))
        .and_then(|(count, _)| count.trim().parse().ok())
        .ok_or_else(|| format!("wrk printed no request count: {text}"))?;
    Ok(Figure { name: target.name.to_owned(), per_second, p99_ms, requests })
}

/// wrk's `850.00us`, `1.23ms`, `2.01s` in milliseconds.
fn milliseconds(value: &str) -> Option<f64> {
    let (number, scale) = if let Some(number) = value.strip_suffix("us") {
        (number, 0.001)
    } else if let Some(number) = value.strip_suffix("ms") {
        (number, 1.0)
    } else if let Some(number) = value.strip_suffix('s') {
        (number, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|number| number * scale)
}

#[cfg(test)]
mod tests {
    use super::milliseconds;

    #[test]
    fn wrk_latencies_are_read_in_milliseconds() {
        assert_eq!(milliseconds("850.00us"), Some(0.85));
        assert_eq!(milliseconds("1.23ms"), Some(1.23));
        assert_eq!(milliseconds("2.00s"), Some(2000.0));
        assert_eq!(milliseconds("3m"), None);
    }
}
