//! The shape of a form for a schema: which control each value gets (a text
//! box of the right kind, a number, a checkbox, a select, a list, a group of
//! fields, a choice between variants), with its label, description,
//! default and bounds. A schema no form can express (a `$ref` cycle, a
//! value of no single type, an object without named properties) has no
//! form; the console then keeps to its JSON editor and says why.

use super::resolve;
use serde_json::{Map, Value};

/// The most nested levels a form shows.
const MAX_DEPTH: usize = 12;

/// `number` rounded up to a whole number; bounds past `i64` saturate.
#[allow(clippy::cast_possible_truncation)]
fn whole(number: f64) -> i64 {
    number.ceil() as i64
}

/// A value's field in the form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub kind: FieldKind,
    /// The schema's `title`, if it has one (else the property's name is the label).
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    /// Whether `null` is allowed (`type: ["string", "null"]`): the control may be left empty.
    pub nullable: bool,
}

impl Field {
    /// The value a new field starts with: its default, else an empty value
    /// of its kind (a group gets its required properties).
    pub fn initial(&self) -> Value {
        if let Some(default) = &self.default {
            return default.clone();
        }
        match &self.kind {
            FieldKind::Text(_) => Value::String(String::new()),
            FieldKind::Number(rules) => {
                let start = rules.minimum.unwrap_or(0.0).max(0.0);
                if rules.integer { Value::from(whole(start)) } else { Value::from(start) }
            }
            FieldKind::Boolean => Value::Bool(false),
            FieldKind::Select(options) => options.first().map_or(Value::Null, |option| option.value.clone()),
            FieldKind::List { .. } => Value::Array(Vec::new()),
            FieldKind::Group(properties) => Value::Object(
                properties
                    .iter()
                    .filter(|property| property.required)
                    .map(|property| (property.name.clone(), property.field.initial()))
                    .collect(),
            ),
            FieldKind::Variants(variants) => variants.first().map_or(Value::Null, |variant| variant.field.initial()),
        }
    }

    /// Whether `value` has the shape this field edits (which variant of a
    /// choice a value is).
    pub fn fits(&self, value: &Value) -> bool {
        match &self.kind {
            FieldKind::Text(_) => value.is_string(),
            FieldKind::Number(rules) => value.is_i64() || value.is_u64() || (!rules.integer && value.is_number()),
            FieldKind::Boolean => value.is_boolean(),
            FieldKind::Select(options) => options.iter().any(|option| &option.value == value),
            FieldKind::List { .. } => value.is_array(),
            // A group fits an object whose tag properties (fixed values) agree.
            FieldKind::Group(properties) => {
                value.is_object()
                    && properties.iter().all(|property| match &property.field.kind {
                        FieldKind::Select(options) if options.len() == 1 => {
                            value.get(&property.name).map_or(!property.required, |member| *member == options[0].value)
                        }
                        _ => true,
                    })
            }
            FieldKind::Variants(variants) => variants.iter().any(|variant| variant.field.fits(value)),
        }
    }
}

/// What control a value gets.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Text(TextRules),
    Number(NumberRules),
    Boolean,
    /// One of fixed values (`enum`, or `oneOf` of `const`s): a select.
    Select(Vec<SelectOption>),
    /// An array: one field per item, added, removed and reordered.
    List {
        item: Box<Field>,
        min_items: Option<u64>,
        max_items: Option<u64>,
    },
    /// An object: its properties, each a field, in a fieldset.
    Group(Vec<Property>),
    /// `oneOf`/`anyOf` of shapes: a choice of variant, then its fields.
    Variants(Vec<Variant>),
}

/// A text box's kind and bounds.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TextRules {
    /// `date`, `date-time`, `email`, `uri`, or none.
    pub format: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
}

/// A number box's bounds.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NumberRules {
    pub integer: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub step: Option<f64>,
}

/// One choice of a select.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectOption {
    pub value: Value,
    /// What the option says (its `title` or `description`, else the value).
    pub label: String,
}

/// A property of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct Property {
    pub name: String,
    pub required: bool,
    pub field: Field,
}

impl Property {
    /// What the field is called: its schema's `title`, else its name as
    /// words (`from_day` is "From day").
    pub fn label(&self) -> String {
        self.field.title.clone().unwrap_or_else(|| words_of(&self.name))
    }
}

/// A property name as words: `_` and `-` become spaces, camelCase is split,
/// and the first letter is upper case.
fn words_of(name: &str) -> String {
    let mut words = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for character in name.chars() {
        if character == '_' || character == '-' {
            words.push(' ');
            previous_lower = false;
            continue;
        }
        if character.is_uppercase() && previous_lower {
            words.push(' ');
            words.extend(character.to_lowercase());
        } else {
            words.push(character);
        }
        previous_lower = character.is_lowercase() || character.is_ascii_digit();
    }
    let trimmed = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut characters = trimmed.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => name.to_owned(),
    }
}

/// A variant of a choice.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub label: String,
    pub field: Field,
}

/// Why a schema has no form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoForm {
    /// Where in the schema (a JSON pointer).
    pub pointer: String,
    pub reason: String,
}

impl std::fmt::Display for NoForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() { "the arguments" } else { &self.pointer };
        write!(f, "{at}: {}", self.reason)
    }
}

/// The form for `schema`, or why it has none.
pub fn form_of(schema: &Value) -> Result<Field, NoForm> {
    Shaper { root: schema }.field(schema, "", 0, &mut Vec::new())
}

struct Shaper<'a> {
    root: &'a Value,
}

impl<'a> Shaper<'a> {
    fn field(&self, schema: &'a Value, at: &str, depth: usize, refs: &mut Vec<&'a str>) -> Result<Field, NoForm> {
        let refuse = |reason: &str| Err(NoForm { pointer: at.to_owned(), reason: reason.to_owned() });
        if depth > MAX_DEPTH {
            return refuse("nests too deeply for a form");
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if refs.contains(&reference) {
                return refuse("refers to itself, which a form cannot show");
            }
            refs.push(reference);
            let resolved = self.field(resolve(schema, self.root), at, depth, refs);
            refs.pop();
            return resolved.map(|field| with_annotations(field, schema));
        }
        let Some(keywords) = schema.as_object() else {
            return refuse("accepts any value; write it as JSON");
        };
        let (type_name, nullable) =
            single_type(keywords).map_err(|reason| NoForm { pointer: at.to_owned(), reason })?;
        let kind = if let Some(options) = select_options(keywords) {
            FieldKind::Select(options)
        } else if let Some(variants) = keywords.get("oneOf").or_else(|| keywords.get("anyOf")).and_then(Value::as_array)
        {
            self.variants(variants, at, depth, refs)?
        } else {
            match type_name {
                Some("string") => FieldKind::Text(text_rules(keywords)),
                Some("integer") => FieldKind::Number(number_rules(keywords, true)),
                Some("number") => FieldKind::Number(number_rules(keywords, false)),
                Some("boolean") => FieldKind::Boolean,
                Some("array") => {
                    let Some(item) = keywords.get("items").filter(|item| item.is_object()) else {
                        return refuse("a list without one item schema");
                    };
                    FieldKind::List {
                        item: Box::new(self.field(item, &format!("{at}/items"), depth + 1, refs)?),
                        min_items: keywords.get("minItems").and_then(Value::as_u64),
                        max_items: keywords.get("maxItems").and_then(Value::as_u64),
                    }
                }
                Some("object") => self.group(keywords, at, depth, refs)?,
                _ => return refuse("has no single type a form control could edit"),
            }
        };
        Ok(with_annotations(Field { kind, title: None, description: None, default: None, nullable }, schema))
    }

    fn group(
        &self,
        keywords: &'a Map<String, Value>,
        at: &str,
        depth: usize,
        refs: &mut Vec<&'a str>,
    ) -> Result<FieldKind, NoForm> {
        let required: Vec<&str> = keywords
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let properties = keywords.get("properties").and_then(Value::as_object);
        if properties.is_none_or(Map::is_empty) && keywords.get("additionalProperties").is_some_and(Value::is_object) {
            return Err(NoForm { pointer: at.to_owned(), reason: "a map of free names; write it as JSON".to_owned() });
        }
        let mut fields = Vec::new();
        for (name, property) in properties.into_iter().flatten() {
            let here = format!("{at}/properties/{}", name.replace('~', "~0").replace('/', "~1"));
            let field = self.field(property, &here, depth + 1, refs)?;
            fields.push(Property { name: name.clone(), required: required.contains(&name.as_str()), field });
        }
        Ok(FieldKind::Group(fields))
    }

    fn variants(
        &self,
        options: &'a [Value],
        at: &str,
        depth: usize,
        refs: &mut Vec<&'a str>,
    ) -> Result<FieldKind, NoForm> {
        let mut variants = Vec::new();
        for (index, option) in options.iter().enumerate() {
            let field = self.field(option, &format!("{at}/oneOf/{index}"), depth + 1, refs)?;
            let label =
                field.title.clone().or_else(|| field.description.clone()).or_else(|| tag_of(&field)).unwrap_or_else(
                    || match &field.kind {
                        FieldKind::Text(_) => "Text".to_owned(),
                        FieldKind::Number(rules) if rules.integer => "Whole number".to_owned(),
                        FieldKind::Number(_) => "Number".to_owned(),
                        FieldKind::Boolean => "Yes or no".to_owned(),
                        FieldKind::List { .. } => "List".to_owned(),
                        _ => format!("Option {}", index + 1),
                    },
                );
            variants.push(Variant { label, field });
        }
        Ok(FieldKind::Variants(variants))
    }
}

/// The fixed value of a group's tag property (`{"kind": {"const": "folder"}}`), as a label.
fn tag_of(field: &Field) -> Option<String> {
    let FieldKind::Group(properties) = &field.kind else { return None };
    properties.iter().find_map(|property| match &property.field.kind {
        FieldKind::Select(options) if options.len() == 1 => Some(options[0].label.clone()),
        _ => None,
    })
}

/// The one type a schema names, and whether `null` is allowed beside it.
fn single_type(keywords: &Map<String, Value>) -> Result<(Option<&str>, bool), String> {
    match keywords.get("type") {
        None => Ok((None, false)),
        Some(Value::String(name)) => Ok((Some(name), false)),
        Some(Value::Array(names)) => {
            let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
            let nullable = names.contains(&"null");
            match names.iter().filter(|name| **name != "null").collect::<Vec<_>>().as_slice() {
                [one] => Ok((Some(one), nullable)),
                [] => Ok((Some("null"), true)),
                _ => Err("can be of several types; write it as JSON".to_owned()),
            }
        }
        Some(_) => Err("has a type a form does not know".to_owned()),
    }
}

/// The options of an `enum` or a `const`, or of a `oneOf`/`anyOf` whose
/// every branch is a `const`.
fn select_options(keywords: &Map<String, Value>) -> Option<Vec<SelectOption>> {
    if let Some(value) = keywords.get("const") {
        return Some(vec![SelectOption { label: shown(value), value: value.clone() }]);
    }
    if let Some(values) = keywords.get("enum").and_then(Value::as_array) {
        return Some(values.iter().map(|value| SelectOption { label: shown(value), value: value.clone() }).collect());
    }
    let branches = keywords.get("oneOf").or_else(|| keywords.get("anyOf"))?.as_array()?;
    branches
        .iter()
        .map(|branch| {
            let value = branch.get("const").cloned().or_else(|| {
                branch
                    .get("enum")
                    .and_then(Value::as_array)
                    .filter(|values| values.len() == 1)
                    .map(|values| values[0].clone())
            })?;
            let title = branch.get("title").and_then(Value::as_str);
            let description = branch.get("description").and_then(Value::as_str);
            let label = match (title, description) {
                (Some(title), _) => title.to_owned(),
                (None, Some(description)) => format!("{} ({})", shown(&value), description.trim_end_matches('.')),
                (None, None) => shown(&value),
            };
            Some(SelectOption { value, label })
        })
        .collect()
}

fn shown(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

fn text_rules(keywords: &Map<String, Value>) -> TextRules {
    TextRules {
        format: keywords
            .get("format")
            .and_then(Value::as_str)
            .filter(|format| matches!(*format, "date" | "date-time" | "email" | "uri"))
            .map(str::to_owned),
        min_length: keywords.get("minLength").and_then(Value::as_u64),
        max_length: keywords.get("maxLength").and_then(Value::as_u64),
        pattern: keywords.get("pattern").and_then(Value::as_str).map(str::to_owned),
    }
}

fn number_rules(keywords: &Map<String, Value>, integer: bool) -> NumberRules {
    let bound = |name: &str| keywords.get(name).and_then(Value::as_f64);
    NumberRules {
        integer,
        minimum: bound("minimum"),
        maximum: bound("maximum"),
        step: bound("multipleOf").or(integer.then_some(1.0)),
    }
}

/// The field with the schema's own title, description and default (which
/// win over those of a schema it refers to).
fn with_annotations(mut field: Field, schema: &Value) -> Field {
    let text = |name: &str| schema.get(name).and_then(Value::as_str).map(str::to_owned);
    field.title = text("title").or(field.title);
    field.description = text("description").or(field.description);
    field.default = schema.get("default").cloned().or(field.default);
    field
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn property_names_read_as_words() {
        assert_eq!(words_of("from_day"), "From day");
        assert_eq!(words_of("sendAt"), "Send at");
        assert_eq!(words_of("URL"), "URL");
        assert_eq!(words_of("max-items2"), "Max items2");
        assert_eq!(words_of("__"), "__");
    }

    #[test]
    fn each_kind_of_value_gets_its_control() {
        let schema = json!({
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "maxLength": 20, "description": "Who"},
                "when": {"type": "string", "format": "date"},
                "count": {"type": "integer", "minimum": 1, "maximum": 9},
                "ratio": {"type": "number", "multipleOf": 0.5},
                "dry_run": {"type": "boolean", "default": true},
                "mode": {"$ref": "#/$defs/Mode"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                "inner": {"type": "object", "properties": {"deep": {"type": ["string", "null"]}}},
                "target": {"oneOf": [{"type": "string", "title": "A name"}, {"type": "integer"}]}
            },
            "$defs": {"Mode": {"oneOf": [{"const": "fast", "description": "Quick"}, {"const": "slow"}]}}
        });
        let FieldKind::Group(properties) = form_of(&schema).unwrap().kind else { panic!("not a group") };
        let kind = |name: &str| &properties.iter().find(|property| property.name == name).unwrap().field.kind;
        assert!(properties.iter().find(|property| property.name == "name").unwrap().required);
        assert_eq!(kind("name"), &FieldKind::Text(TextRules { max_length: Some(20), ..TextRules::default() }));
        assert!(matches!(kind("when"), FieldKind::Text(rules) if rules.format.as_deref() == Some("date")));
        assert!(matches!(kind("count"), FieldKind::Number(rules) if rules.integer && rules.maximum == Some(9.0)));
        assert!(matches!(kind("ratio"), FieldKind::Number(rules) if rules.step == Some(0.5)));
        assert_eq!(kind("dry_run"), &FieldKind::Boolean);
        let FieldKind::Select(options) = kind("mode") else { panic!("not a select") };
        assert_eq!((options[0].label.as_str(), options[1].label.as_str()), ("fast (Quick)", "slow"));
        assert!(matches!(kind("tags"), FieldKind::List { max_items: Some(3), .. }));
        let FieldKind::Group(inner) = kind("inner") else { panic!("not a group") };
        assert!(inner[0].field.nullable);
        let FieldKind::Variants(variants) = kind("target") else { panic!("not variants") };
        assert_eq!((variants[0].label.as_str(), variants[1].label.as_str()), ("A name", "Whole number"));
    }

    #[test]
    fn new_fields_start_from_their_default_or_an_empty_value() {
        let schema = json!({
            "type": "object",
            "required": ["name", "count"],
            "properties": {
                "name": {"type": "string"},
                "count": {"type": "integer", "minimum": 3},
                "mode": {"enum": ["a", "b"], "default": "b"},
                "tags": {"type": "array", "items": {"type": "string"}}
            }
        });
        let form = form_of(&schema).unwrap();
        assert_eq!(form.initial(), json!({"name": "", "count": 3}));
        let FieldKind::Group(properties) = &form.kind else { panic!("not a group") };
        assert_eq!(properties[2].field.initial(), json!("b"));
        assert!(properties[3].field.fits(&json!(["x"])) && !properties[3].field.fits(&json!("x")));
    }

    #[test]
    fn schemas_a_form_cannot_show_say_why() {
        let cycle = json!({"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}}});
        assert!(form_of(&cycle).unwrap_err().reason.contains("refers to itself"));
        let mixed = json!({"type": "object", "properties": {"x": {"type": ["string", "integer"]}}});
        assert_eq!(form_of(&mixed).unwrap_err().pointer, "/properties/x");
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        assert!(form_of(&map).is_err());
        assert!(form_of(&json!({"type": "object", "properties": {"any": {}}})).is_err());
    }
}
