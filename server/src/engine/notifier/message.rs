//! What a message says: Slack's `text` for people, and for programs the
//! event, how many ends it stands for, the run's link and a summary of the
//! run. The summary leaves the arguments out (they may hold secrets, such
//! as a webhook task's `Authorization` header) unless the task's config
//! asks for them with `notify_with_arguments`.

use crate::engine::run::Ended;
use crate::engine::store::notifications::Event;
use serde::{Deserialize, Serialize};
use serde_json::json;
use types::{Run, RunError, RunId, RunState};

/// The longest reason quoted in a message's text.
const QUOTED: usize = 500;
/// The longest result or error message kept in a summary: a queued
/// message stays small whatever a task returned.
const KEPT: usize = 4000;

/// A run as a message shows it (`run` in the JSON sent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: RunId,
    pub task: String,
    pub state: RunState,
    /// `None` (like the other times) only for a run trimmed from the
    /// history before it was read.
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// What the task returned, or a handled failure's message.
    pub result: Option<String>,
    pub error: Option<RunError>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<serde_json::Value>,
}

impl RunSummary {
    pub fn of(run: &Run, with_arguments: bool) -> RunSummary {
        RunSummary {
            id: run.id,
            task: run.task.clone(),
            state: run.state,
            created_at: Some(run.created_at.clone()),
            started_at: run.started_at.clone(),
            finished_at: run.finished_at.clone(),
            result: run.result.as_deref().map(|result| shortened(result, KEPT)),
            error: run
                .error
                .as_ref()
                .map(|error| RunError { kind: error.kind.clone(), message: shortened(&error.message, KEPT) }),
            arguments: with_arguments.then(|| run.arguments.clone()),
        }
    }

    /// A run trimmed from its history before it could be read: what its
    /// end said of it (its link finds nothing any more, but the end counts).
    pub fn of_trimmed(ended: &Ended) -> RunSummary {
        RunSummary {
            id: ended.id,
            task: ended.task.clone(),
            state: ended.state,
            created_at: None,
            started_at: None,
            finished_at: None,
            result: None,
            error: None,
            arguments: None,
        }
    }

    /// As stored in the outbox.
    pub fn to_json(&self) -> String {
        // Strings, numbers and a JSON value: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Why it did not succeed, as quoted in a text.
    fn reason(&self, event: Event) -> Option<String> {
        self.error
            .as_ref()
            .map(|error| format!("{}: {}", error.kind, error.message))
            .or_else(|| (event == Event::Failure).then(|| self.result.clone().unwrap_or_default()))
            .filter(|reason| !reason.is_empty())
    }
}

/// What a queued message says when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Telling {
    pub event: Event,
    /// How many ends it stands for.
    pub count: u64,
    /// Whether it counts a storm's further ends.
    pub digest: bool,
}

/// The JSON sent.
pub fn message(run: &RunSummary, telling: Telling, public_url: &str) -> serde_json::Value {
    let link = format!("{}/runs/{}", public_url.trim_end_matches('/'), run.id);
    let headline =
        if telling.digest { digest_headline(&run.task, telling) } else { headline(&run.task, telling.event) };
    let reason = run
        .reason(telling.event)
        .map(|reason| {
            let latest = if telling.digest { "latest: " } else { "" };
            format!("\n> {latest}{}", shortened(&reason, QUOTED))
        })
        .unwrap_or_default();
    json!({
        "text": format!("{headline}{reason}\n{link}"),
        "event": telling.event.as_str(),
        "count": telling.count,
        "digest": telling.digest,
        "link": link,
        "run": run,
    })
}

fn headline(task: &str, event: Event) -> String {
    match event {
        Event::Failure => format!("Run of {task} failed"),
        Event::Recovery => format!("{task} succeeded again after a failure"),
        Event::Success => format!("Run of {task} succeeded"),
        Event::Cancelled => format!("Run of {task} was cancelled"),
    }
}

/// "3 more failures of TASK".
fn digest_headline(task: &str, telling: Telling) -> String {
    let (one, many) = match telling.event {
        Event::Failure => ("failure", "failures"),
        Event::Recovery => ("recovery", "recoveries"),
        Event::Success => ("success", "successes"),
        Event::Cancelled => ("cancellation", "cancellations"),
    };
    let noun = if telling.count == 1 { one } else { many };
    format!("{} more {noun} of {task}", telling.count)
}

fn shortened(text: &str, most: usize) -> String {
    text.chars().take(most).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> RunSummary {
        RunSummary {
            id: RunId(uuid::Uuid::nil()),
            task: "nightly.report".to_owned(),
            state: RunState::Failure,
            created_at: Some("2026-12-04T10:00:00Z".to_owned()),
            started_at: None,
            finished_at: None,
            result: None,
            error: Some(RunError { kind: "error".to_owned(), message: "disk on fire".to_owned() }),
            arguments: None,
        }
    }

    #[test]
    fn a_digest_counts_the_storm_and_links_the_latest_run() {
        let telling = Telling { event: Event::Failure, count: 7, digest: true };
        let sent = message(&summary(), telling, "https://console.example.com/");
        let text = sent["text"].as_str().unwrap();
        assert!(text.starts_with("7 more failures of nightly.report\n> latest: error: disk on fire\n"), "{text}");
        assert!(text.ends_with("https://console.example.com/runs/00000000-0000-0000-0000-000000000000"), "{text}");
        assert_eq!((sent["count"].as_u64(), sent["digest"].as_bool()), (Some(7), Some(true)));
        let one = message(&summary(), Telling { count: 1, ..telling }, "https://c");
        assert!(one["text"].as_str().unwrap().starts_with("1 more failure of"));
    }

    #[test]
    fn arguments_are_left_out_unless_asked_for() {
        let sent = message(&summary(), Telling { event: Event::Failure, count: 1, digest: false }, "https://c");
        assert!(sent["run"].get("arguments").is_none(), "{sent}");
        assert!(sent["text"].as_str().unwrap().starts_with("Run of nightly.report failed\n> error: disk on fire"));
    }
}
