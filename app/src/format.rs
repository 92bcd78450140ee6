//! Showing values to people: times, durations, results, the curl command.

use types::Run;

/// `2026-11-28T10:00:03.123456Z` as `2026-11-28 10:00:03 UTC`.
pub fn time(rfc3339: &str) -> String {
    let without_fraction = rfc3339.split('.').next().unwrap_or(rfc3339).trim_end_matches('Z');
    format!("{} UTC", without_fraction.replacen('T', " ", 1))
}

/// An RFC 3339 time as a `datetime-local` input shows it: the browser's
/// local time to the minute (on the server, which knows no zone, UTC).
pub fn rfc3339_to_local_input(rfc3339: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(local) = crate::browser::to_local_input(rfc3339) {
        return local;
    }
    rfc3339.get(..16).unwrap_or(rfc3339).to_owned()
}

/// What a `datetime-local` input holds (the browser's local time) as RFC
/// 3339 UTC; `None` when it is not a time.
pub fn local_input_to_rfc3339(text: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return crate::browser::from_local_input(text);
    #[cfg(not(feature = "hydrate"))]
    return (text.len() == 16).then(|| format!("{text}:00Z"));
}

/// `350 ms`, `1.2 s`, `3 min 05 s`, `2 h 03 min`.
pub fn duration(millis: u64) -> String {
    match millis {
        0..1_000 => format!("{millis} ms"),
        1_000..60_000 => format!("{}.{} s", millis / 1000, millis % 1000 / 100),
        60_000..3_600_000 => format!("{} min {:02} s", millis / 60_000, millis % 60_000 / 1000),
        _ => format!("{} h {:02} min", millis / 3_600_000, millis % 3_600_000 / 60_000),
    }
}

/// The first `limit` characters, with `…` when cut.
pub fn cut(text: &str, limit: usize) -> String {
    let mut chars = text.chars();
    let shown: String = chars.by_ref().take(limit).collect();
    if chars.next().is_some() { format!("{shown}…") } else { shown }
}

/// JSON, indented.
pub fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// "ada", or "ada as batch" when the run ran as someone else.
pub fn who(run: &Run) -> String {
    match run.run_as.as_deref() {
        Some(run_as) if run_as != run.started_by.name => {
            format!("{} as {run_as}", run.started_by.name)
        }
        _ => run.started_by.name.clone(),
    }
}

/// A curl command that starts the same run through the API.
pub fn curl_command(origin: &str, run: &Run, impersonated: bool) -> String {
    let body = serde_json::json!({
        "arguments": run.arguments,
        "as": if impersonated { "impersonated" } else { "me" },
    });
    let quoted = body.to_string().replace('\'', "'\\''");
    format!(
        "curl -X POST '{origin}/api/v1/tasks/{task}/runs' \\\n  -H \"Authorization: Bearer $TASK_API_TOKEN\" \\\n  -H 'Content-Type: application/json' \\\n  -d '{quoted}'",
        task = run.task
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_durations_and_cuts_read_well() {
        assert_eq!(time("2026-11-28T10:00:03.123456Z"), "2026-11-28 10:00:03 UTC");
        assert_eq!(duration(350), "350 ms");
        assert_eq!(duration(1_250), "1.2 s");
        assert_eq!(duration(185_000), "3 min 05 s");
        assert_eq!(duration(7_380_000), "2 h 03 min");
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
    }
}
