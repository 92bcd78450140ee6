//! Checking arguments against their schema: every way they break it, each
//! at its JSON pointer (RFC 6901), in words a person can act on.

use super::resolve;
use crate::FieldError;
use serde_json::{Map, Value};

/// How `pattern` is matched against text: ECMA-262 regular expressions.
pub trait Patterns {
    /// Whether `text` matches `pattern`; `Err` when the pattern cannot be read.
    fn matches(&self, pattern: &str, text: &str) -> Result<bool, String>;
}

/// Leaves `pattern` unchecked (for callers that have no regex engine).
pub struct NoPatterns;

impl Patterns for NoPatterns {
    fn matches(&self, _pattern: &str, _text: &str) -> Result<bool, String> {
        Ok(true)
    }
}

/// Every way `instance` breaks `schema`, each at its JSON pointer.
pub fn validate(schema: &Value, instance: &Value, patterns: &dyn Patterns) -> Vec<FieldError> {
    let mut errors = Vec::new();
    Checker { root: schema, patterns }.check(schema, instance, "", &mut errors, 0);
    errors
}

/// `$ref` chains and nesting deeper than this are not followed.
const MAX_DEPTH: usize = 32;

struct Checker<'a> {
    root: &'a Value,
    patterns: &'a dyn Patterns,
}

impl<'a> Checker<'a> {
    fn check(&self, schema: &'a Value, instance: &Value, at: &str, errors: &mut Vec<FieldError>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = resolve(schema, self.root);
        let Some(keywords) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                errors.push(error(at, "No value is allowed here".to_owned()));
            }
            return;
        };
        if let Some(expected) = keywords.get("type")
            && !type_matches(expected, instance)
        {
            errors.push(error(at, format!("{instance} is not of type {}", type_names(expected))));
            return;
        }
        let mut fail = |message: String| errors.push(error(at, message));
        if let Some(options) = keywords.get("enum").and_then(Value::as_array)
            && !options.contains(instance)
        {
            fail(format!("{instance} is not one of {}", Value::Array(options.clone())));
        }
        if let Some(constant) = keywords.get("const")
            && constant != instance
        {
            fail(format!("{constant} was expected"));
        }
        if let Some(number) = instance.as_f64() {
            check_number(keywords, number, &mut fail);
        }
        if let Some(text) = instance.as_str() {
            self.check_text(keywords, text, &mut fail);
        }
        if let Some(object) = instance.as_object() {
            self.check_object(keywords, object, at, errors, depth);
        }
        if let Some(items) = instance.as_array() {
            self.check_array(keywords, items, at, errors, depth);
        }
        self.check_combinators(keywords, instance, at, errors, depth);
    }

    fn check_text(&self, keywords: &Map<String, Value>, text: &str, fail: &mut impl FnMut(String)) {
        let shown = Value::from(text);
        let length = text.chars().count() as u64;
        if let Some(min) = keywords.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            fail(format!("{shown} is shorter than {min} character{}", plural(min)));
        }
        if let Some(max) = keywords.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            fail(format!("{shown} is longer than {max} character{}", plural(max)));
        }
        if let Some(pattern) = keywords.get("pattern").and_then(Value::as_str) {
            match self.patterns.matches(pattern, text) {
                Ok(true) => {}
                Ok(false) => fail(format!("{shown} does not match {pattern:?}")),
                Err(problem) => fail(format!("the pattern {pattern:?} cannot be checked: {problem}")),
            }
        }
        if let Some(format) = keywords.get("format").and_then(Value::as_str)
            && let Some(fits) = fits_format(format, text)
            && !fits
        {
            fail(format!("{shown} is not a valid {format}"));
        }
    }

    fn check_object(
        &self,
        keywords: &'a Map<String, Value>,
        object: &Map<String, Value>,
        at: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        // A missing property is reported where it belongs, so a form can show it at its field.
        for name in keywords.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                errors.push(error(&format!("{at}/{}", escape(name)), format!("\"{name}\" is a required property")));
            }
        }
        let count = object.len() as u64;
        if let Some(min) = keywords.get("minProperties").and_then(Value::as_u64)
            && count < min
        {
            errors.push(error(
                at,
                format!("The object has fewer than {min} propert{}", if min == 1 { "y" } else { "ies" }),
            ));
        }
        if let Some(max) = keywords.get("maxProperties").and_then(Value::as_u64)
            && count > max
        {
            errors.push(error(
                at,
                format!("The object has more than {max} propert{}", if max == 1 { "y" } else { "ies" }),
            ));
        }
        let properties = keywords.get("properties").and_then(Value::as_object);
        let mut unexpected = Vec::new();
        for (name, value) in object {
            let here = format!("{at}/{}", escape(name));
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => self.check(property, value, &here, errors, depth + 1),
                None => match keywords.get("additionalProperties") {
                    Some(Value::Bool(false)) => unexpected.push(format!("'{name}'")),
                    Some(extra @ Value::Object(_)) => self.check(extra, value, &here, errors, depth + 1),
                    _ => {}
                },
            }
        }
        if !unexpected.is_empty() {
            let verb = if unexpected.len() == 1 { "was" } else { "were" };
            errors.push(error(
                at,
                format!("Additional properties are not allowed ({} {verb} unexpected)", unexpected.join(", ")),
            ));
        }
    }

    fn check_array(
        &self,
        keywords: &'a Map<String, Value>,
        items: &[Value],
        at: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        let count = items.len() as u64;
        if let Some(min) = keywords.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            errors.push(error(at, format!("The array has fewer than {min} item{}", plural(min))));
        }
        if let Some(max) = keywords.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            errors.push(error(at, format!("The array has more than {max} item{}", plural(max))));
        }
        if keywords.get("uniqueItems") == Some(&Value::Bool(true))
            && let Some(repeated) = items.iter().enumerate().find(|(index, item)| items[..*index].contains(item))
        {
            errors.push(error(at, format!("{} appears more than once; the items must be unique", repeated.1)));
        }
        if let Some(item_schema) = keywords.get("items").filter(|schema| schema.is_object() || schema.is_boolean()) {
            for (index, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{at}/{index}"), errors, depth + 1);
            }
        }
    }

    fn check_combinators(
        &self,
        keywords: &'a Map<String, Value>,
        instance: &Value,
        at: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        let passes = |schema: &'a Value| {
            let mut inner = Vec::new();
            self.check(schema, instance, at, &mut inner, depth + 1);
            inner.is_empty()
        };
        for schema in keywords.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.check(schema, instance, at, errors, depth + 1);
        }
        if let Some(options) = keywords.get("anyOf").and_then(Value::as_array)
            && !options.iter().any(passes)
        {
            errors.push(error(at, format!("{instance} is not valid under any of the allowed schemas")));
        }
        if let Some(options) = keywords.get("oneOf").and_then(Value::as_array) {
            match options.iter().filter(|option| passes(option)).count() {
                1 => {}
                0 => errors.push(error(at, format!("{instance} is not valid under any of the allowed schemas"))),
                _ => errors.push(error(at, format!("{instance} is valid under more than one of the allowed schemas"))),
            }
        }
        if let Some(refused) = keywords.get("not")
            && passes(refused)
        {
            errors.push(error(at, format!("{instance} is not allowed here")));
        }
    }
}

fn check_number(keywords: &Map<String, Value>, number: f64, fail: &mut impl FnMut(String)) {
    let bound = |name: &str| keywords.get(name).and_then(Value::as_f64);
    if let Some(minimum) = bound("minimum")
        && number < minimum
    {
        fail(format!("{number} is less than the minimum of {minimum}"));
    }
    if let Some(maximum) = bound("maximum")
        && number > maximum
    {
        fail(format!("{number} is greater than the maximum of {maximum}"));
    }
    if let Some(minimum) = bound("exclusiveMinimum")
        && number <= minimum
    {
        fail(format!("{number} is less than or equal to the minimum of {minimum}"));
    }
    if let Some(maximum) = bound("exclusiveMaximum")
        && number >= maximum
    {
        fail(format!("{number} is greater than or equal to the maximum of {maximum}"));
    }
    if let Some(step) = bound("multipleOf").filter(|step| *step > 0.0) {
        let quotient = number / step;
        if (quotient - quotient.round()).abs() > 1e-9 {
            fail(format!("{number} is not a multiple of {step}"));
        }
    }
}

/// Whether `text` fits `format`; `None` for formats that are not checked.
pub(super) fn fits_format(format: &str, text: &str) -> Option<bool> {
    Some(match format {
        "date" => is_date(text),
        "date-time" => is_date_time(text),
        "email" => is_email(text),
        "uri" => is_uri(text),
        _ => return None,
    })
}

/// `2026-12-01`, with a month and day that exist.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|part| part.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339: `2026-12-01T10:00:00Z`, `…T10:00:00.5+02:00`.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't', ' ']) else { return false };
    if !is_date(date) {
        return false;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(index) => time.split_at(index),
        None => return false,
    };
    let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
        if fraction.is_empty() || !fraction.bytes().all(|byte| byte.is_ascii_digit()) { "" } else { whole }
    });
    let parts: Vec<Option<u32>> =
        clock.split(':').map(|part| (part.len() == 2).then(|| part.parse().ok()).flatten()).collect();
    let clock_fits = matches!(parts.as_slice(), [Some(hour), Some(minute), Some(second)] if *hour < 24 && *minute < 60 && *second <= 60);
    let offset_fits = matches!(offset, "Z" | "z")
        || (offset.len() == 6
            && offset.as_bytes()[3] == b':'
            && offset[1..3].parse::<u32>().is_ok_and(|hour| hour < 24)
            && offset[4..6].parse::<u32>().is_ok_and(|minute| minute < 60));
    clock_fits && offset_fits
}

/// `name@example.com`: one `@`, something before it, a dotted name after it.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    !local.is_empty()
        && !local.contains(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
}

/// An absolute URI: a scheme (`https`, `mailto`, …), a colon, and more.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let mut letters = scheme.chars();
    letters.next().is_some_and(|first| first.is_ascii_alphabetic())
        && letters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.contains(char::is_whitespace)
}

fn type_matches(expected: &Value, instance: &Value) -> bool {
    match expected {
        Value::String(name) => is_type(name, instance),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(|name| is_type(name, instance)),
        _ => true,
    }
}

fn is_type(name: &str, instance: &Value) -> bool {
    match name {
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "boolean" => instance.is_boolean(),
        "null" => instance.is_null(),
        "number" => instance.is_number(),
        "integer" => instance.is_i64() || instance.is_u64() || instance.as_f64().is_some_and(|n| n.fract() == 0.0),
        _ => true,
    }
}

fn type_names(expected: &Value) -> String {
    match expected {
        Value::Array(names) => names.iter().map(|name| format!("{name}")).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn plural(count: u64) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// RFC 6901: `~` and `/` in a name.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn error(at: &str, message: String) -> FieldError {
    FieldError { pointer: at.to_owned(), message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "number": {"type": "integer", "minimum": 0, "default": 5},
                "mode": {"$ref": "#/$defs/Mode"},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "day": {"type": "string", "format": "date"},
                "step": {"type": "number", "multipleOf": 0.5}
            },
            "required": ["text"],
            "additionalProperties": false,
            "$defs": {"Mode": {"type": "string", "enum": ["fast", "slow"]}}
        })
    }

    fn check(schema: &Value, instance: &Value) -> Vec<FieldError> {
        validate(schema, instance, &NoPatterns)
    }

    #[test]
    fn good_arguments_pass() {
        let arguments = json!({"text": "x", "number": 3, "mode": "fast", "tags": ["a"], "note": null, "day": "2024-02-29", "step": 1.5});
        assert_eq!(check(&schema(), &arguments), Vec::new());
    }

    #[test]
    fn each_error_is_reported_at_its_pointer() {
        let arguments = json!({"number": -1.5, "mode": "warp", "tags": ["a", 2], "extra": true});
        let errors = check(&schema(), &arguments);
        let at = |pointer: &str| errors.iter().filter(|error| error.pointer == pointer).count();
        assert_eq!(at(""), 1, "{errors:?}"); // extra is unexpected
        assert_eq!(at("/text"), 1, "{errors:?}"); // text is missing
        assert_eq!(at("/number"), 1, "{errors:?}"); // not an integer (so no range check)
        assert_eq!(at("/mode"), 1, "{errors:?}");
        assert_eq!(at("/tags/1"), 1, "{errors:?}");
        assert!(errors.iter().any(|error| error.message == "\"text\" is a required property"));
        assert!(errors.iter().any(|error| error.message.contains("('extra' was unexpected)")));
    }

    #[test]
    fn the_whole_document_must_be_an_object() {
        let errors = check(&schema(), &json!([1]));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "[1] is not of type \"object\"");
    }

    #[test]
    fn ranges_lengths_multiples_repeats_and_formats_are_checked() {
        let arguments = json!({"text": "", "number": -1, "tags": ["a", "a"], "day": "2023-02-29", "step": 0.7});
        let errors = check(&schema(), &arguments);
        let pointers: Vec<&str> = errors.iter().map(|error| error.pointer.as_str()).collect();
        // In the order of the schema's properties.
        assert_eq!(pointers, ["/text", "/number", "/tags", "/day", "/step"], "{errors:?}");
    }

    #[test]
    fn patterns_are_matched_by_the_callers_engine() {
        struct Digits;
        impl Patterns for Digits {
            fn matches(&self, pattern: &str, text: &str) -> Result<bool, String> {
                assert_eq!(pattern, "^[0-9]+$");
                Ok(text.bytes().all(|byte| byte.is_ascii_digit()))
            }
        }
        let schema = json!({"type": "string", "pattern": "^[0-9]+$"});
        assert!(validate(&schema, &json!("123"), &Digits).is_empty());
        assert_eq!(validate(&schema, &json!("12a"), &Digits)[0].message, "\"12a\" does not match \"^[0-9]+$\"");
    }

    #[test]
    fn formats_accept_what_they_name_and_nothing_else() {
        for (format, good, bad) in [
            ("date", "2026-12-01", "2026-13-01"),
            ("date-time", "2026-12-01T10:00:00.25+02:00", "2026-12-01 10:00"),
            ("email", "ada@example.com", "ada@localhost"),
            ("uri", "https://example.com/a?b=c", "example.com"),
        ] {
            assert_eq!(fits_format(format, good), Some(true), "{format} {good}");
            assert_eq!(fits_format(format, bad), Some(false), "{format} {bad}");
        }
        assert_eq!(fits_format("int64", "x"), None, "formats that only describe are not checked");
    }

    #[test]
    fn not_refuses_what_its_schema_accepts() {
        let schema = json!({"not": {"type": "null"}});
        assert_eq!(check(&schema, &json!(null)).len(), 1);
        assert!(check(&schema, &json!(1)).is_empty());
    }
}
