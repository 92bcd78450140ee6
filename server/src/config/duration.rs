//! Durations in the config file: `"250ms"`, `"10s"`, `"5m"`, `"2h"`, `"1d"`, or
//! a bare number of seconds.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// A duration read from the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigDuration(pub Duration);

impl ConfigDuration {
    pub const fn secs(seconds: u64) -> ConfigDuration {
        ConfigDuration(Duration::from_secs(seconds))
    }

    pub const fn millis(millis: u64) -> ConfigDuration {
        ConfigDuration(Duration::from_millis(millis))
    }

    pub fn parse(text: &str) -> Result<ConfigDuration, String> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("{text:?} is not a duration: write e.g. \"500ms\", \"10s\", \"5m\", \"2h\""))?;
        let seconds = match unit.trim() {
            "ms" => number / 1000.0,
            "" | "s" => number,
            "m" | "min" => number * 60.0,
            "h" => number * 3600.0,
            "d" => number * 86400.0,
            other => {
                return Err(format!("unknown unit {other:?} in {text:?}: use ms, s, m, h or d"));
            }
        };
        Duration::try_from_secs_f64(seconds).map(ConfigDuration).map_err(|error| format!("{text:?}: {error}"))
    }
}

impl fmt::Display for ConfigDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis.is_multiple_of(1000) { write!(f, "{}s", millis / 1000) } else { write!(f, "{millis}ms") }
    }
}

impl Serialize for ConfigDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ConfigDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Seconds(seconds) => Ok(ConfigDuration::secs(seconds)),
            Raw::Text(text) => ConfigDuration::parse(&text).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ConfigDuration;
    use std::time::Duration;

    #[test]
    fn units_are_understood() {
        assert_eq!(ConfigDuration::parse("250ms").unwrap().0, Duration::from_millis(250));
        assert_eq!(ConfigDuration::parse("10s").unwrap().0, Duration::from_secs(10));
        assert_eq!(ConfigDuration::parse("1.5m").unwrap().0, Duration::from_secs(90));
        assert_eq!(ConfigDuration::parse("2h").unwrap().0, Duration::from_hours(2));
        assert_eq!(ConfigDuration::parse("7").unwrap().0, Duration::from_secs(7));
    }

    #[test]
    fn nonsense_is_refused_with_a_hint() {
        let error = ConfigDuration::parse("soon").unwrap_err();
        assert!(error.contains("not a duration"), "{error}");
        assert!(ConfigDuration::parse("3 weeks").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn durations_print_back_in_the_same_form() {
        assert_eq!(ConfigDuration::millis(1500).to_string(), "1500ms");
        assert_eq!(ConfigDuration::secs(10).to_string(), "10s");
    }
}
