//! Argument schemas on the server: the shared reader of `types::schema`,
//! with `pattern` matched by the `regex` crate (each pattern compiled once,
//! when the catalog is built). A schema that uses what the reader does not
//! check, or a pattern the engine cannot read, is refused there.

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use types::FieldError;
use types::schema::{Patterns, SchemaError, check_schema, validate};

pub use types::schema::default_arguments;

/// A task's argument schema, ready to check arguments with.
pub struct ArgumentsValidator {
    schema: Value,
    patterns: CompiledPatterns,
}

impl ArgumentsValidator {
    pub fn new(schema: &Value) -> Result<ArgumentsValidator, SchemaError> {
        let patterns = CompiledPatterns::of(schema);
        check_schema(schema, &patterns)?;
        Ok(ArgumentsValidator { schema: schema.clone(), patterns })
    }

    /// Every way `arguments` breaks the schema, each at its JSON pointer.
    pub fn check(&self, arguments: &Value) -> Vec<FieldError> {
        validate(&self.schema, arguments, &self.patterns)
    }
}

/// The schema's patterns, compiled (or why each could not be).
#[derive(Default)]
struct CompiledPatterns(HashMap<String, Result<Regex, String>>);

impl CompiledPatterns {
    fn of(schema: &Value) -> CompiledPatterns {
        let mut compiled = CompiledPatterns::default();
        compiled.collect(schema);
        compiled
    }

    fn collect(&mut self, schema: &Value) {
        match schema {
            Value::Object(keywords) => {
                if let Some(Value::String(pattern)) = keywords.get("pattern") {
                    self.0.entry(pattern.clone()).or_insert_with(|| compile(pattern));
                }
                keywords.values().for_each(|value| self.collect(value));
            }
            Value::Array(values) => values.iter().for_each(|value| self.collect(value)),
            _ => {}
        }
    }
}

fn compile(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern).size_limit(1 << 20).build().map_err(|error| error.to_string())
}

impl Patterns for CompiledPatterns {
    fn matches(&self, pattern: &str, text: &str) -> Result<bool, String> {
        match self.0.get(pattern) {
            Some(Ok(regex)) => Ok(regex.is_match(text)),
            Some(Err(problem)) => Err(problem.clone()),
            None => compile(pattern).map(|regex| regex.is_match(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_arguments_are_reported_at_their_pointer() {
        let schema = json!({
            "type": "object",
            "properties": {"number": {"type": "integer"}, "code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
            "required": ["text"]
        });
        let validator = ArgumentsValidator::new(&schema).unwrap();
        let errors = validator.check(&json!({"number": "five", "code": "abc"}));
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.iter().any(|error| error.pointer == "/number"));
        assert!(errors.iter().any(|error| error.pointer == "/code"));
        assert!(errors.iter().any(|error| error.pointer == "/text" && error.message.contains("required")));
        assert!(validator.check(&json!({"text": "x", "number": 1, "code": "ABC"})).is_empty());
    }

    #[test]
    fn a_pattern_the_engine_cannot_read_refuses_the_schema() {
        let refused = ArgumentsValidator::new(&json!({"type": "string", "pattern": "(unclosed"}));
        assert_eq!(refused.err().map(|error| error.pointer), Some("/pattern".to_owned()));
    }
}
