//! Searching runs: the filter of the All runs page and of `GET /api/v1/runs`
//! (task, state, who, as whom, origin, time range, values inside the
//! arguments, text in the result or error), written to and read from a URL's
//! query so that a search can be shared, and bulk actions on what it finds.

use super::{Origin, RunId, RunState};
use serde::{Deserialize, Serialize};

/// The most runs one page of `GET /api/v1/runs` holds.
pub const MAX_PAGE: u32 = 200;
/// The most conditions on argument values one search may hold.
pub const MAX_ARGUMENT_MATCHES: usize = 8;
/// How deep an argument path may go (`arguments.a.b.c.d.e`).
pub const MAX_PATH_DEPTH: usize = 5;
/// The longest text value (of a filter, or searched for) a search accepts.
pub const MAX_SEARCH_TEXT: usize = 200;
/// The most runs one bulk action changes; a filter matching more is refused.
pub const MAX_BULK_RUNS: u64 = 10_000;
/// The largest body of a bulk action: 10,000 ids of 39 bytes each as JSON
/// (`"…",`) and room for the rest.
pub const MAX_BULK_BODY_BYTES: usize = 512 * 1024;

/// `GET /api/v1/runs?state=&task=&user=&started_by=&as=&origin=&since=&until=&text=&arguments.KEY=VALUE&limit=&before=`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunFilter {
    #[serde(default)]
    pub state: Option<RunState>,
    /// A task's dotted path.
    #[serde(default)]
    pub task: Option<String>,
    /// Runs started by, or run as, this user.
    #[serde(default)]
    pub user: Option<String>,
    /// Runs started by this user or token (its name).
    #[serde(default)]
    pub started_by: Option<String>,
    /// Runs run as this user.
    #[serde(default, rename = "as")]
    pub run_as: Option<String>,
    #[serde(default)]
    pub origin: Option<Origin>,
    /// Runs created at or after this time (RFC 3339; without an offset, UTC).
    #[serde(default)]
    pub since: Option<String>,
    /// Runs created before this time (RFC 3339; without an offset, UTC).
    #[serde(default)]
    pub until: Option<String>,
    /// Text contained in the result or the error message (any case).
    #[serde(default)]
    pub text: Option<String>,
    /// Values inside the arguments, all of which must match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<ArgumentMatch>,
    #[serde(default)]
    pub limit: Option<u32>,
    /// The `next_before` cursor of the previous page.
    #[serde(default)]
    pub before: Option<String>,
}

/// A condition on a run's arguments: the value at `path` (keys of nested
/// objects) is `value`, a string, number, boolean or null.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArgumentMatch {
    pub path: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub value: serde_json::Value,
}

/// The query parameters of a filter, other than `arguments.*`.
const PLAIN_KEYS: [&str; 11] =
    ["state", "task", "user", "started_by", "as", "origin", "since", "until", "text", "limit", "before"];

impl RunFilter {
    /// The filter a URL's query holds. Empty values are left out; an unknown
    /// parameter, a bad state, origin or limit, or a bad argument condition
    /// is refused with a sentence saying why.
    pub fn from_query<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<RunFilter, String> {
        let mut filter = RunFilter::default();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            if value.is_empty() {
                continue;
            }
            if let Some(path) = key.strip_prefix("arguments.") {
                filter.arguments.push(ArgumentMatch::parse(path, value)?);
                continue;
            }
            let text = Some(value.to_owned());
            match key {
                "state" => {
                    filter.state =
                        Some(RunState::parse(value).ok_or_else(|| named_error("state", value, RunState::ALL))?);
                }
                "origin" => {
                    filter.origin =
                        Some(Origin::parse(value).ok_or_else(|| named_error("origin", value, Origin::ALL))?);
                }
                "limit" => {
                    filter.limit =
                        Some(value.parse().map_err(|_| format!("limit must be from 1 to {MAX_PAGE}, not {value:?}."))?);
                }
                "task" => filter.task = text,
                "user" => filter.user = text,
                "started_by" => filter.started_by = text,
                "as" => filter.run_as = text,
                "since" => filter.since = text,
                "until" => filter.until = text,
                "text" => filter.text = text,
                "before" => filter.before = text,
                // Left by forms and caches; not a filter.
                "ids" => {}
                _ => {
                    return Err(format!(
                        "{key:?} is not a filter: use {}, or arguments.KEY=VALUE.",
                        PLAIN_KEYS.join(", ")
                    ));
                }
            }
        }
        filter.check()?;
        Ok(filter)
    }

    /// The query parameters that give this filter back with [`RunFilter::from_query`].
    pub fn to_query(&self) -> Vec<(String, String)> {
        let state = self.state.map(|state| state.as_str().to_owned());
        let origin = self.origin.map(|origin| origin.as_str().to_owned());
        let limit = self.limit.map(|limit| limit.to_string());
        let plain = [
            ("state", &state),
            ("task", &self.task),
            ("user", &self.user),
            ("started_by", &self.started_by),
            ("as", &self.run_as),
            ("origin", &origin),
            ("since", &self.since),
            ("until", &self.until),
            ("text", &self.text),
        ];
        let mut pairs: Vec<(String, String)> = plain
            .into_iter()
            .filter_map(|(key, value)| value.as_ref().map(|value| (key.to_owned(), value.clone())))
            .collect();
        pairs.extend(
            self.arguments.iter().map(|matched| (format!("arguments.{}", matched.path.join(".")), matched.text())),
        );
        pairs.extend(limit.map(|limit| ("limit".to_owned(), limit)));
        pairs.extend(self.before.clone().map(|before| ("before".to_owned(), before)));
        pairs
    }

    /// The same filter without paging: what a bulk action applies to.
    #[must_use]
    pub fn without_paging(&self) -> RunFilter {
        RunFilter { limit: None, before: None, ..self.clone() }
    }

    /// Refuses too many or malformed argument conditions and over-long text.
    pub fn check(&self) -> Result<(), String> {
        if self.arguments.len() > MAX_ARGUMENT_MATCHES {
            return Err(format!(
                "Give at most {MAX_ARGUMENT_MATCHES} argument conditions, not {}.",
                self.arguments.len()
            ));
        }
        for matched in &self.arguments {
            matched.check()?;
        }
        let texts = [
            ("task", &self.task),
            ("user", &self.user),
            ("started_by", &self.started_by),
            ("as", &self.run_as),
            ("since", &self.since),
            ("until", &self.until),
            ("text", &self.text),
            ("before", &self.before),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                if value.chars().count() > MAX_SEARCH_TEXT {
                    return Err(format!("{key} is longer than {MAX_SEARCH_TEXT} characters."));
                }
                if value.contains('\0') {
                    return Err(format!("{key} holds a NUL character."));
                }
            }
        }
        Ok(())
    }
}

fn named_error<T: std::fmt::Display>(what: &str, value: &str, known: &[T]) -> String {
    let known: Vec<String> = known.iter().map(ToString::to_string).collect();
    format!("{what} must be one of {}, not {value:?}.", known.join(", "))
}

/// Whether `key` may be one key of an argument path: 1 to 64 letters,
/// digits, `_` or `-` (so that it can stand quoted in a JSON path as is).
pub fn is_argument_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 64
        && key.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-'))
}

impl ArgumentMatch {
    /// `customer.id` and `42`: the path's keys, and the value as JSON when it
    /// is a JSON scalar (`42`, `true`, `null`, `"42"`), otherwise as text.
    pub fn parse(path: &str, value: &str) -> Result<ArgumentMatch, String> {
        let value = match serde_json::from_str::<serde_json::Value>(value) {
            Ok(json) if !json.is_object() && !json.is_array() => json,
            _ => serde_json::Value::String(value.to_owned()),
        };
        let matched = ArgumentMatch { path: path.split('.').map(str::to_owned).collect(), value };
        matched.check()?;
        Ok(matched)
    }

    /// The value as [`ArgumentMatch::parse`] reads it back: text as itself
    /// unless it would read as another JSON scalar.
    pub fn text(&self) -> String {
        match &self.value {
            serde_json::Value::String(text) if serde_json::from_str::<serde_json::Value>(text).is_err() => text.clone(),
            other => other.to_string(),
        }
    }

    /// Paths of 1 to 5 keys of letters, digits, `_` and `-`; scalar values.
    pub fn check(&self) -> Result<(), String> {
        let dotted = self.path.join(".");
        if self.path.is_empty() || self.path.len() > MAX_PATH_DEPTH {
            return Err(format!("arguments.{dotted}: a path has 1 to {MAX_PATH_DEPTH} keys."));
        }
        if !self.path.iter().all(|key| is_argument_key(key)) {
            return Err(format!("arguments.{dotted}: keys are 1 to 64 letters, digits, '_' or '-', joined by dots."));
        }
        match &self.value {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => Err(format!(
                "arguments.{dotted}: match a string, number, true, false or null, not an object or a list."
            )),
            serde_json::Value::String(text) if text.contains('\0') || text.chars().count() > MAX_SEARCH_TEXT => Err(
                format!("arguments.{dotted}: the value holds a NUL or is longer than {MAX_SEARCH_TEXT} characters."),
            ),
            _ => Ok(()),
        }
    }

    /// `{"customer": {"id": 42}}`: the smallest arguments this condition matches.
    pub fn as_object(&self) -> serde_json::Value {
        self.path.iter().rev().fold(self.value.clone(), |inner, key| {
            let mut object = serde_json::Map::new();
            object.insert(key.clone(), inner);
            serde_json::Value::Object(object)
        })
    }
}

crate::named_enum! {
    /// What a bulk action does to each run it selects.
    pub enum BulkAction {
        /// Cancels pending runs and asks running ones to stop.
        Cancel = "cancel",
        /// Starts each run again with its arguments.
        Rerun = "rerun",
    }
}

/// `POST /api/v1/runs/bulk`: an action on a list of runs, or on every run a
/// filter matches (at most 10,000).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    pub action: BulkAction,
    /// The runs to act on (at most 10,000); or give `filter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<RunId>>,
    /// Every run this matches (paging fields ignored); or give `ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RunFilter>,
    /// Only count what would be acted on, changing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The count the caller confirmed: when the filter now matches a
    /// different number of runs, nothing is done (409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<u64>,
}

/// What a bulk action did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkOutcome {
    pub action: Option<BulkAction>,
    /// Runs selected (by the ids that exist, or the filter).
    pub matched: u64,
    /// Runs changed: cancelled or asked to stop, or started again.
    pub affected: u64,
    /// Runs left alone, e.g. already ended when cancelling.
    pub skipped: u64,
    /// The new runs of a re-run, at most the first 200.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_runs: Vec<RunId>,
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_query_round_trips_through_a_filter() {
        let pairs = [
            ("state", "failure"),
            ("task", "examples.tasks.dummy_task"),
            ("as", "batch"),
            ("origin", "api"),
            ("since", "2026-12-01T00:00:00Z"),
            ("text", "timed out"),
            ("arguments.customer.id", "42"),
            ("arguments.name", "ann"),
            ("arguments.code", "\"42\""),
            ("limit", "20"),
        ];
        let filter = RunFilter::from_query(pairs).unwrap();
        assert_eq!(filter.arguments[0], ArgumentMatch { path: vec!["customer".into(), "id".into()], value: json!(42) });
        assert_eq!(filter.arguments[1].value, json!("ann"));
        assert_eq!(filter.arguments[2].value, json!("42"));
        assert_eq!(filter.arguments[0].as_object(), json!({"customer": {"id": 42}}));
        assert_eq!(RunFilter::from_query(filter.to_query()).unwrap(), filter);
    }

    #[test]
    fn bad_queries_are_refused_with_a_reason() {
        let refused = |pairs: &[(&str, &str)]| RunFilter::from_query(pairs.iter().copied()).unwrap_err();
        assert!(refused(&[("stat", "failure")]).contains("not a filter"));
        assert!(refused(&[("state", "done")]).contains("pending"));
        assert!(refused(&[("origin", "moon")]).contains("schedule"));
        assert!(refused(&[("arguments.a b", "1")]).contains("keys are"));
        assert!(refused(&[("arguments.", "1")]).contains("keys are"));
        assert!(refused(&[("arguments.a.b.c.d.e.f", "1")]).contains("1 to 5 keys"));
        assert!(refused(&[("arguments.a", "x\0")]).contains("NUL"));
        assert!(refused(&[("text", &"x".repeat(201))]).contains("longer"));
        assert!(refused(&[("limit", "many")]).contains("limit"));
        let many: Vec<(String, String)> = (0..9).map(|index| (format!("arguments.k{index}"), "1".to_owned())).collect();
        assert!(RunFilter::from_query(many).unwrap_err().contains("at most 8"));
        // Objects and lists read as text, so they match a string argument.
        assert_eq!(ArgumentMatch::parse("a", "[1]").unwrap().value, json!("[1]"));
        assert!(RunFilter::from_query([("state", "")]).unwrap() == RunFilter::default());
    }
}
