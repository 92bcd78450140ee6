//! `examples.tasks.webhook(url, method = "POST", body = {}, headers = {})`:
//! calls an HTTP endpoint. A 2xx answer is success with the status and the
//! start of the body; anything else is a crash, which the default config
//! retries with backoff. The call keeps to the server's outbound policy
//! (no private or loopback addresses unless the config allows them), and
//! at most a few kilobytes of the answer are read.

use crate::engine::{TaskContext, TaskDefinition, TaskError};
use crate::outbound::{OutboundError, bounded_text, refused};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// How much of the answer's body is read, and shown in the result.
const SHOWN_BYTES: usize = 4096;

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
    #[schemars(length(min = 1, max = 2048))]
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
    let policy = context.outbound();
    let url = policy.check_url(&arguments.url).map_err(|error| match error {
        OutboundError::Refused(message) => TaskError::Failure(message),
        OutboundError::Client(error) => error.into(),
    })?;
    let client = policy.client(Duration::from_secs(25)).map_err(|error| TaskError::crash("http", error.to_string()))?;
    let method = match arguments.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut request = client.request(method.clone(), url).header("x-task-starter-run-id", context.run_id().to_string());
    for (name, value) in &arguments.headers {
        request = request.header(name, value);
    }
    if method != reqwest::Method::GET && !arguments.body.is_null() {
        request = request.json(&arguments.body);
    }
    context.log(format!("{method} {}", arguments.url)).await;
    // A refusal of the policy is an answer, not a crash: it is not retried.
    let response = request.send().await.map_err(|error| match refused(&error) {
        Some(refusal) => TaskError::Failure(refusal),
        None => error.into(),
    })?;
    let status = response.status();
    let (mut shown, more) = bounded_text(response, SHOWN_BYTES).await.unwrap_or_default();
    if more {
        shown.push('…');
    }
    if status.is_success() {
        Ok(format!("HTTP {}: {shown}", status.as_u16()))
    } else {
        Err(TaskError::crash("http", format!("HTTP {}: {shown}", status.as_u16())))
    }
}
