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
    // A default beside a `$ref` wins over the referenced schema's.
    if let Some(default) = schema.get("default").or_else(|| resolve(schema, root).get("default")) {
        return default.clone();
    }
    let schema = resolve(schema, root);
    if let Some(fixed) = schema.get("const") {
        return fixed.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|values| values.first()) {
        return first.clone();
    }
    // A choice of shapes starts as its first shape.
    if let Some(first) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .and_then(|options| options.first())
    {
        return defaults_of(first, root, depth + 1);
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
                    let has_default =
                        property.get("default").is_some() || resolve(property, root).get("default").is_some();
                    if has_default || required.contains(&name.as_str()) {
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

    #[test]
    fn a_default_beside_a_reference_and_a_choice_of_shapes_are_filled_in() {
        let schema = json!({
            "type": "object",
            "properties": {
                "period": {"$ref": "#/$defs/Period", "default": "weekly"},
                "level": {"enum": ["low", "high"]},
                "destination": {"oneOf": [
                    {"type": "object", "properties": {"kind": {"type": "string", "const": "inbox"}}, "required": ["kind"]},
                    {"type": "object", "properties": {"kind": {"type": "string", "const": "folder"}}, "required": ["kind"]}
                ]}
            },
            "required": ["level", "destination"],
            "$defs": {"Period": {"type": "string", "enum": ["daily", "weekly"]}}
        });
        assert_eq!(
            default_arguments(&schema),
            json!({"period": "weekly", "level": "low", "destination": {"kind": "inbox"}})
        );
    }
}
