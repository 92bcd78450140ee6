//! Cron expressions (five fields, or six with seconds first; `@hourly` and
//! friends), evaluated in UTC on the database's microsecond clock.

use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};

/// A parsed cron expression.
#[derive(Clone, Debug)]
pub struct Cron(croner::Cron);

impl Cron {
    pub fn parse(pattern: &str) -> Result<Cron, String> {
        CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(pattern)
            .map(Cron)
            .map_err(|error| format!("{pattern:?} is not a cron expression: {error}"))
    }

    /// The first tick strictly after `after` (microseconds since the epoch).
    pub fn next_after(&self, after: i64) -> Option<i64> {
        let start = DateTime::<Utc>::from_timestamp_micros(after)?;
        let next = self.0.find_next_occurrence(&start, false).ok()?;
        Some(next.timestamp_micros())
    }
}

#[cfg(test)]
mod tests {
    use super::Cron;

    const MINUTE: i64 = 60_000_000;

    #[test]
    fn five_fields_tick_on_the_minute() {
        let cron = Cron::parse("*/5 * * * *").unwrap();
        let noon = 1_795_003_200_000_000; // 2026-11-18T12:00:00Z
        assert_eq!(cron.next_after(noon), Some(noon + 5 * MINUTE));
        assert_eq!(cron.next_after(noon + 1), Some(noon + 5 * MINUTE));
    }

    #[test]
    fn six_fields_have_seconds() {
        let cron = Cron::parse("*/2 * * * * *").unwrap();
        assert_eq!(cron.next_after(0), Some(2_000_000));
    }

    #[test]
    fn nonsense_is_refused() {
        assert!(Cron::parse("every day").is_err());
        assert!(Cron::parse("61 * * * *").is_err());
    }
}
