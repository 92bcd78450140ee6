//! `examples.tasks.webhook(url, method = "POST", body = {}, headers = {})`:
//! calls an HTTP endpoint. A 2xx answer is success with the status and the
//! start of the body; anything else is a crash, which the default config
//! retries with backoff.

use crate::engine::{TaskContext, TaskDefinition, TaskError, TaskFailure};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// How much of the answer's body the result shows.
const SHOWN_BYTES: usize = 500;

#[derive(Deserialize, JsonSchema, Clone, Copy, Default)]
#[serde(rename_all = "UPPERCASE")]
enum Method {
    Get,
    #[default]
    Post,
    Put,
    Patch,
    Delete,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Arguments {
    /// `http://` or `https://` address to call.
    #[schemars(length(min = 1))]
    url: String,
    #[serde(default)]
    method: Method,
    /// Sent as JSON (not with GET).
    #[serde(default)]
    body: serde_json::Value,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

pub fn definition() -> TaskDefinition {
    TaskDefinition::new(
        "examples.tasks.webhook",
        "Calls an HTTP endpoint with a JSON body; a non-2xx answer fails the attempt.",
        run,
    )
    .timeout(Duration::from_secs(30))
}

async fn run(context: TaskContext, arguments: Arguments) -> Result<String, TaskError> {
    if !(arguments.url.starts_with("http://") || arguments.url.starts_with("https://")) {
        return Err(TaskFailure::new("The url must start with http:// or https://.").into());
    }
    let client = reqwest::Client::builder().timeout(Duration::from_secs(25)).build()?;
    let method = match arguments.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut request =
        client.request(method.clone(), &arguments.url).header("x-task-starter-run-id", context.run_id().to_string());
    for (name, value) in &arguments.headers {
        request = request.header(name, value);
    }
    if method != reqwest::Method::GET && !arguments.body.is_null() {
        request = request.json(&arguments.body);
    }
    context.log(format!("{method} {}", arguments.url)).await;
    let response = request.send().await?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let mut shown: String = body.chars().take(SHOWN_BYTES).collect();
    if shown.len() < body.len() {
        shown.push('…');
    }
    if status.is_success() {
        Ok(format!("HTTP {}: {shown}", status.as_u16()))
    } else {
        Err(TaskError::crash("http", format!("HTTP {}: {shown}", status.as_u16())))
    }
}
