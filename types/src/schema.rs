//! Task arguments' JSON Schemas, read the same way everywhere: the checks
//! the console runs as you type are the checks the server runs before a run
//! exists (one validator, so the two can never disagree), the defaults that
//! "Reset to defaults" fills in, and whether a schema uses only what this
//! validator checks.
//!
//! The subset is what argument schemas use: `type`, `enum`, `const`,
//! numbers' bounds and `multipleOf`, strings' lengths, `pattern` and
//! `format` (date, date-time, email, uri), objects' `properties`,
//! `required`, `additionalProperties` and counts, arrays' `items`, counts
//! and `uniqueItems`, `allOf`/`anyOf`/`oneOf`/`not`, and local `$ref`s.
//! `pattern` is matched by a [`Patterns`] of the caller's: the browser's
//! `RegExp` in the console, the `regex` crate on the server.

mod defaults;
pub mod form;
pub mod pointer;
mod support;
mod validate;

pub use defaults::default_arguments;
pub use support::{SchemaError, check_schema};
pub use validate::{NoPatterns, Patterns, validate};

use serde_json::Value;

/// Follows a local `$ref` such as `#/$defs/Inner` (unresolvable ones stay).
pub fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
        .unwrap_or(schema)
}

/// The schema's `type`, taking the first non-null one of a list (`["string", "null"]`).
pub fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).find(|name| *name != "null"),
        _ => None,
    }
}
