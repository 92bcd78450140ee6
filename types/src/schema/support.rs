//! Whether a schema is one this validator checks fully: the right shape for
//! each keyword, local `$ref`s that resolve, patterns the engine can read,
//! and none of the keywords it does not check (a schema that relied on one
//! would let arguments through that it means to refuse).

use super::validate::Patterns;
use serde_json::Value;
use std::fmt;

/// What is wrong with a schema, and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// Where in the schema (a JSON pointer; empty for the whole).
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "the schema" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

impl std::error::Error for SchemaError {}

/// Keywords of JSON Schema that this validator does not check.
const UNCHECKED: [&str; 17] = [
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "if",
    "then",
    "else",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
    "contentSchema",
];

const TYPES: [&str; 7] = ["object", "array", "string", "number", "integer", "boolean", "null"];

/// Checks that `schema` uses only what [`validate`](super::validate) checks.
pub fn check_schema(schema: &Value, patterns: &dyn Patterns) -> Result<(), SchemaError> {
    Reader { root: schema, patterns }.read(schema, "", 0)
}

struct Reader<'a> {
    root: &'a Value,
    patterns: &'a dyn Patterns,
}

impl Reader<'_> {
    fn read(&self, schema: &Value, at: &str, depth: usize) -> Result<(), SchemaError> {
        let refuse = |pointer: String, message: String| Err(SchemaError { pointer, message });
        if depth > 64 {
            return refuse(at.to_owned(), "nests too deeply".to_owned());
        }
        let keywords = match schema {
            Value::Bool(_) => return Ok(()),
            Value::Object(keywords) => keywords,
            other => return refuse(at.to_owned(), format!("a schema is an object or a boolean, not {other}")),
        };
        for (keyword, value) in keywords {
            let here = format!("{at}/{}", keyword.replace('~', "~0").replace('/', "~1"));
            if UNCHECKED.contains(&keyword.as_str()) {
                return refuse(here, format!("`{keyword}` is not checked by Task Starter; express it another way"));
            }
            match keyword.as_str() {
                "type" => read_type(value, &here)?,
                "enum" if !value.is_array() => return refuse(here, "must be an array".to_owned()),
                "required" if !value.as_array().is_some_and(|names| names.iter().all(Value::is_string)) => {
                    return refuse(here, "must be an array of property names".to_owned());
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" if !value.is_number() => {
                    return refuse(here, "must be a number".to_owned());
                }
                "multipleOf" if !value.as_f64().is_some_and(|step| step > 0.0) => {
                    return refuse(here, "must be a number above 0".to_owned());
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties"
                    if value.as_u64().is_none() =>
                {
                    return refuse(here, "must be a whole number of 0 or more".to_owned());
                }
                "uniqueItems" if !value.is_boolean() => return refuse(here, "must be true or false".to_owned()),
                "pattern" => self.read_pattern(value, &here)?,
                "format" if !value.is_string() => return refuse(here, "must be a string".to_owned()),
                "$ref" => self.read_reference(value, &here)?,
                "properties" | "$defs" | "definitions" => {
                    let Some(members) = value.as_object() else {
                        return refuse(here, "must be an object of schemas".to_owned());
                    };
                    for (name, member) in members {
                        self.read(
                            member,
                            &format!("{here}/{}", name.replace('~', "~0").replace('/', "~1")),
                            depth + 1,
                        )?;
                    }
                }
                "items" if value.is_array() => {
                    return refuse(here, "a list of item schemas (a tuple) is not checked; use one schema".to_owned());
                }
                "additionalProperties" | "not" | "items" => self.read(value, &here, depth + 1)?,
                "allOf" | "anyOf" | "oneOf" => {
                    let Some(options) = value.as_array().filter(|options| !options.is_empty()) else {
                        return refuse(here, "must be a non-empty array of schemas".to_owned());
                    };
                    for (index, option) in options.iter().enumerate() {
                        self.read(option, &format!("{here}/{index}"), depth + 1)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn read_pattern(&self, value: &Value, at: &str) -> Result<(), SchemaError> {
        let refuse = |message: String| Err(SchemaError { pointer: at.to_owned(), message });
        let Some(pattern) = value.as_str() else { return refuse("must be a string".to_owned()) };
        match self.patterns.matches(pattern, "") {
            Ok(_) => Ok(()),
            Err(problem) => refuse(format!("{pattern:?} cannot be read: {problem}")),
        }
    }

    fn read_reference(&self, value: &Value, at: &str) -> Result<(), SchemaError> {
        let resolves = value
            .as_str()
            .and_then(|reference| reference.strip_prefix('#'))
            .is_some_and(|pointer| self.root.pointer(pointer).is_some());
        if resolves {
            Ok(())
        } else {
            Err(SchemaError {
                pointer: at.to_owned(),
                message: format!("{value} must point into this schema (such as \"#/$defs/Name\")"),
            })
        }
    }
}

fn read_type(value: &Value, at: &str) -> Result<(), SchemaError> {
    let known = |name: &Value| name.as_str().is_some_and(|name| TYPES.contains(&name));
    let fits = match value {
        Value::String(_) => known(value),
        Value::Array(names) => !names.is_empty() && names.iter().all(known),
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(SchemaError { pointer: at.to_owned(), message: format!("must name types among {}", TYPES.join(", ")) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::NoPatterns;
    use serde_json::json;

    fn read(schema: Value) -> Result<(), SchemaError> {
        check_schema(&schema, &NoPatterns)
    }

    #[test]
    fn schemas_of_the_subset_are_accepted() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {
                "mode": {"$ref": "#/$defs/Mode"},
                "count": {"type": "integer", "minimum": 0, "format": "uint32"},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "note": {"type": ["string", "null"], "x-widget": "textarea"}
            },
            "required": ["mode"],
            "$defs": {"Mode": {"oneOf": [{"const": "a", "description": "A"}, {"const": "b"}]}}
        });
        assert_eq!(read(schema), Ok(()));
        assert_eq!(read(json!(true)), Ok(()));
    }

    #[test]
    fn what_is_not_checked_or_is_malformed_is_refused_at_its_place() {
        let refused = read(json!({"properties": {"a": {"if": {"type": "string"}}}})).unwrap_err();
        assert_eq!(refused.pointer, "/properties/a/if");
        assert!(read(json!({"type": "text"})).is_err());
        assert!(read(json!({"required": "a"})).is_err());
        assert_eq!(read(json!({"$ref": "#/$defs/Missing"})).unwrap_err().pointer, "/$ref");
        assert!(read(json!({"items": [{"type": "string"}]})).is_err());
        assert!(read(json!({"anyOf": []})).is_err());
        assert!(read(json!(5)).is_err());
    }
}
