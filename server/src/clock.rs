//! Wall-clock time as the database stores it: microseconds since the Unix
//! epoch in an `i64`, shown to people and clients as RFC 3339 UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)
}

/// A duration in whole microseconds, saturating.
pub fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// `2026-11-28T10:00:00.123456Z`
pub fn to_rfc3339(micros: i64) -> String {
    let nanos = i128::from(micros) * 1_000;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_else(|| micros.to_string())
}

/// The inverse of [`to_rfc3339`]; `None` for text that is not RFC 3339.
pub fn from_rfc3339(text: &str) -> Option<i64> {
    let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000).ok()
}

/// A time a person typed: RFC 3339, or without an offset (then UTC) as
/// `2026-12-01T10:00`, `2026-12-01T10:00:30` or `2026-12-01`.
pub fn from_typed_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't']).unwrap_or((text, "00:00:00"));
    let (clock, offset) = time.split_at(time.find(['Z', 'z', '+', '-']).unwrap_or(time.len()));
    let clock = if clock.len() == 5 { format!("{clock}:00") } else { clock.to_owned() };
    let offset = if offset.is_empty() { "Z" } else { offset };
    from_rfc3339(&format!("{date}T{clock}{offset}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_without_an_offset_are_utc() {
        let at = from_rfc3339("2026-12-01T10:00:00Z");
        assert_eq!(from_typed_time("2026-12-01T10:00"), at);
        assert_eq!(from_typed_time("2026-12-01T10:00:00"), at);
        assert_eq!(from_typed_time("2026-12-01T11:00:00+01:00"), at);
        assert_eq!(from_typed_time("2026-12-01T11:00+01:00"), at);
        assert_eq!(from_typed_time("2026-12-01T10:00Z"), at);
        assert_eq!(from_typed_time("2026-12-01"), from_rfc3339("2026-12-01T00:00:00Z"));
        assert_eq!(from_typed_time("2026-12-01T10:00:00.5"), from_rfc3339("2026-12-01T10:00:00.5Z"));
        assert_eq!(from_typed_time("soon"), None);
        assert_eq!(from_typed_time("2026-13-01"), None);
    }

    #[test]
    fn rfc3339_round_trips_to_the_microsecond() {
        let at = 1_795_000_000_123_456;
        let text = to_rfc3339(at);
        assert_eq!(text, "2026-11-18T11:06:40.123456Z");
        assert_eq!(from_rfc3339(&text), Some(at));
    }

    #[test]
    fn garbage_is_not_a_time() {
        assert_eq!(from_rfc3339("yesterday"), None);
    }
}
