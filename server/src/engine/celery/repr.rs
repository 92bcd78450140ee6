//! Python's `repr` of JSON values, for the `argsrepr` and `kwargsrepr`
//! headers that workers log and monitoring tools (Flower, `celery events`)
//! show: `[1, 'é', None, True, {'k': 2.5}]`, cut at Celery's 1024 characters.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Celery's `argsrepr_maxsize` and `kwargsrepr_maxsize`.
pub const REPR_MAX_CHARS: usize = 1024;

/// `repr(args)` of a Python list, at most [`REPR_MAX_CHARS`] characters.
pub fn args_repr(args: &[Value]) -> String {
    let mut out = String::new();
    list(args, &mut out);
    truncate(out)
}

/// `repr(kwargs)` of a Python dict, at most [`REPR_MAX_CHARS`] characters.
pub fn kwargs_repr(kwargs: &Map<String, Value>) -> String {
    let mut out = String::new();
    dict(kwargs, &mut out);
    truncate(out)
}

fn truncate(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(REPR_MAX_CHARS) {
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

fn value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("None"),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => out.push_str(&float_repr(float)),
            _ => out.push_str(&number.to_string()),
        },
        Value::String(text) => string(text, out),
        Value::Array(items) => list(items, out),
        Value::Object(map) => dict(map, out),
    }
}

fn list(items: &[Value], out: &mut String) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        value(item, out);
    }
    out.push(']');
}

fn dict(map: &Map<String, Value>, out: &mut String) {
    out.push('{');
    for (i, (key, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        string(key, out);
        out.push_str(": ");
        value(item, out);
    }
    out.push('}');
}

/// Python quotes with `'` unless the text holds a `'` and no `"`.
fn string(text: &str, out: &mut String) {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// Python's float repr: the shortest text that reads back, with `.0` on
/// whole numbers and an exponent below 1e-4 and from 1e16 on.
fn float_repr(float: f64) -> String {
    let magnitude = float.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let text = format!("{float:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = exponent.strip_prefix('-').map_or(("+", exponent), |digits| ("-", digits));
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    let text = float.to_string();
    if text.contains('.') { text } else { format!("{text}.0") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_like_python() {
        let args = json!([1, "é ✓", 2.5, null, true, {"nested": [1, 2]}, "it's", "tab\there", 1e16, 0.00001, 3.0]);
        assert_eq!(
            args_repr(args.as_array().unwrap()),
            r#"[1, 'é ✓', 2.5, None, True, {'nested': [1, 2]}, "it's", 'tab\there', 1e+16, 1e-05, 3.0]"#
        );
    }

    #[test]
    fn long_arguments_are_cut_as_celery_cuts_them() {
        let args = vec![json!("x".repeat(5000))];
        let text = args_repr(&args);
        assert_eq!(text.chars().count(), REPR_MAX_CHARS + 3);
        assert!(text.starts_with("['xxx") && text.ends_with("..."));
    }
}
