//! Reading argument schemas: the defaults that "Reset to defaults" fills in,
//! and the validator that refuses bad arguments before a run exists.

use serde_json::{Map, Value};
use types::FieldError;

/// The arguments a schema's defaults give. A required property without a
/// default gets an empty value of its type, so the editor shows what to fill in.
pub fn default_arguments(schema: &Value) -> Value {
    defaults_of(schema, schema, 0)
}

fn defaults_of(schema: &Value, root: &Value, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    let schema = resolve(schema, root);
    if let Some(default) = schema.get("default") {
        return default.clone();
    }
    match type_of(schema) {
        Some("object") => {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut object = Map::new();
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let property = resolve(property, root);
                    if property.get("default").is_some() || required.contains(&name.as_str()) {
                        object.insert(name.clone(), defaults_of(property, root, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
        Some("string") => Value::String(String::new()),
        Some("integer" | "number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        Some("array") => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

/// Follows a local `$ref` such as `#/$defs/Inner`.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
        .unwrap_or(schema)
}

/// The schema's `type`, taking the first non-null one of a list (`["string", "null"]`).
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(name) => Some(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).find(|name| *name != "null"),
        _ => None,
    }
}

/// A compiled argument schema.
pub struct ArgumentsValidator(jsonschema::Validator);

impl ArgumentsValidator {
    pub fn new(schema: &Value) -> Result<ArgumentsValidator, String> {
        jsonschema::validator_for(schema).map(ArgumentsValidator).map_err(|error| error.to_string())
    }

    /// Every way `arguments` breaks the schema, each at its JSON pointer.
    pub fn check(&self, arguments: &Value) -> Vec<FieldError> {
        self.0
            .iter_errors(arguments)
            .map(|error| FieldError { pointer: error.instance_path().to_string(), message: error.to_string() })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_come_from_the_schema_and_required_fields_get_empty_values() {
        let schema = json!({
            "type": "object",
            "properties": {
                "text": {"type": "string"},
                "number": {"type": "integer", "default": 5},
                "note": {"type": ["string", "null"]},
                "inner": {"$ref": "#/$defs/Inner"}
            },
            "required": ["text", "inner"],
            "$defs": {"Inner": {"type": "object", "properties": {"flag": {"type": "boolean", "default": true}}}}
        });
        assert_eq!(default_arguments(&schema), json!({"text": "", "number": 5, "inner": {"flag": true}}));
    }

    #[test]
    fn bad_arguments_are_reported_at_their_pointer() {
        let schema = json!({
            "type": "object",
            "properties": {"number": {"type": "integer"}},
            "required": ["text"]
        });
        let validator = ArgumentsValidator::new(&schema).unwrap();
        let errors = validator.check(&json!({"number": "five"}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().any(|error| error.pointer == "/number"));
        assert!(errors.iter().any(|error| error.pointer.is_empty() && error.message.contains("text")));
        assert!(validator.check(&json!({"text": "x", "number": 1})).is_empty());
    }
}
