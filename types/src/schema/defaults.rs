//! The arguments a schema's defaults give: what "Reset to defaults" fills in.

use super::{resolve, type_of};
use serde_json::{Map, Value};

/// The arguments `schema`'s defaults give. A required property without a
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
}
