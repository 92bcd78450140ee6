//! Checking arguments against a task's JSON Schema in the browser, as you
//! type. It covers the keywords that argument schemas use (types, required
//! and extra properties, enums, ranges, lengths, items, `$ref`, `anyOf`,
//! `oneOf`, `allOf`); the server checks again with a complete validator.

use serde_json::Value;
use types::FieldError;

/// Every way `instance` breaks `schema`, each at its JSON pointer.
pub fn check(schema: &Value, instance: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    Checker { root: schema }.check(schema, instance, "", &mut errors, 0);
    errors
}

struct Checker<'a> {
    root: &'a Value,
}

impl<'a> Checker<'a> {
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| self.root.pointer(pointer))
            .unwrap_or(schema)
    }

    fn check(&self, schema: &'a Value, instance: &Value, at: &str, errors: &mut Vec<FieldError>, depth: usize) {
        if depth > 32 {
            return;
        }
        let schema = self.resolve(schema);
        let Some(keywords) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                errors.push(error(at, "False schema does not allow any value".to_owned()));
            }
            return;
        };
        let mut fail = |message: String| errors.push(error(at, message));
        if let Some(expected) = keywords.get("type")
            && !type_matches(expected, instance)
        {
            fail(format!("{instance} is not of type {}", type_names(expected)));
            return;
        }
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
            let length = text.chars().count();
            if let Some(min) = keywords.get("minLength").and_then(Value::as_u64)
                && (length as u64) < min
            {
                fail(format!("{instance} is shorter than {min} character{}", plural(min)));
            }
            if let Some(max) = keywords.get("maxLength").and_then(Value::as_u64)
                && (length as u64) > max
            {
                fail(format!("{instance} is longer than {max} character{}", plural(max)));
            }
        }
        if let Some(object) = instance.as_object() {
            self.check_object(keywords, object, at, errors, depth);
        }
        if let Some(items) = instance.as_array() {
            self.check_array(keywords, items, at, errors, depth);
        }
        self.check_combinators(keywords, instance, at, errors, depth);
    }

    fn check_object(
        &self,
        keywords: &'a serde_json::Map<String, Value>,
        object: &serde_json::Map<String, Value>,
        at: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        for name in keywords.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                errors.push(error(at, format!("\"{name}\" is a required property")));
            }
        }
        let properties = keywords.get("properties").and_then(Value::as_object);
        let mut unexpected = Vec::new();
        for (name, value) in object {
            let here = format!("{at}/{}", escape(name));
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => self.check(property, value, &here, errors, depth + 1),
                None => match keywords.get("additionalProperties") {
                    Some(Value::Bool(false)) => unexpected.push(format!("'{name}'")),
                    Some(extra @ Value::Object(_)) => {
                        self.check(extra, value, &here, errors, depth + 1);
                    }
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
        keywords: &'a serde_json::Map<String, Value>,
        items: &[Value],
        at: &str,
        errors: &mut Vec<FieldError>,
        depth: usize,
    ) {
        if let Some(min) = keywords.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            errors.push(error(at, format!("The array has fewer than {min} item{}", plural(min))));
        }
        if let Some(max) = keywords.get("maxItems").and_then(Value::as_u64)
            && (items.len() as u64) > max
        {
            errors.push(error(at, format!("The array has more than {max} item{}", plural(max))));
        }
        if let Some(item_schema) = keywords.get("items").filter(|schema| schema.is_object()) {
            for (index, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{at}/{index}"), errors, depth + 1);
            }
        }
    }

    fn check_combinators(
        &self,
        keywords: &'a serde_json::Map<String, Value>,
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
    }
}

fn check_number(keywords: &serde_json::Map<String, Value>, number: f64, fail: &mut impl FnMut(String)) {
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
    use super::check;
    use serde_json::json;

    fn schema() -> serde_json::Value {
        json!({
            "type": "object",
            "properties": {
                "text": {"type": "string", "minLength": 1},
                "number": {"type": "integer", "minimum": 0, "default": 5},
                "mode": {"$ref": "#/$defs/Mode"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}
            },
            "required": ["text"],
            "additionalProperties": false,
            "$defs": {"Mode": {"type": "string", "enum": ["fast", "slow"]}}
        })
    }

    #[test]
    fn good_arguments_pass() {
        let arguments = json!({"text": "x", "number": 3, "mode": "fast", "tags": ["a"], "note": null});
        assert!(check(&schema(), &arguments).is_empty());
    }

    #[test]
    fn each_error_is_reported_at_its_pointer() {
        let arguments = json!({"number": -1.5, "mode": "warp", "tags": ["a", 2], "extra": true});
        let errors = check(&schema(), &arguments);
        let at = |pointer: &str| errors.iter().filter(|error| error.pointer == pointer).count();
        assert_eq!(at(""), 2, "{errors:?}"); // text is missing; extra is unexpected
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
    fn ranges_and_lengths_are_checked() {
        let errors = check(&schema(), &json!({"text": "", "number": -1}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("shorter than 1 character") || errors[1].message.contains("shorter"));
    }
}
