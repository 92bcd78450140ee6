//! The arguments editor: a monospace text area with line numbers, Format
//! and "Reset to defaults", checked against the task's schema as you type.

use super::problem::field_errors;
use leptos::prelude::*;
use serde_json::Value;
use types::FieldError;

/// What the editor's text is worth.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorCheck {
    /// JSON that fits the schema.
    Valid(Value),
    /// Not JSON at all.
    NotJson(String),
    /// JSON that breaks the schema.
    Invalid(Vec<FieldError>),
}

impl EditorCheck {
    /// `text` checked against `schema`, its patterns matched by `patterns`.
    pub fn new(text: &str, schema: &Value, patterns: &dyn types::schema::Patterns) -> EditorCheck {
        match serde_json::from_str::<Value>(text) {
            Err(error) => EditorCheck::NotJson(format!(
                "Line {}, column {}: {}",
                error.line(),
                error.column(),
                message_of(&error)
            )),
            Ok(value) => {
                let errors = types::schema::validate(schema, &value, patterns);
                if errors.is_empty() { EditorCheck::Valid(value) } else { EditorCheck::Invalid(errors) }
            }
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, EditorCheck::Valid(_))
    }
}

/// serde's message without its " at line X column Y" tail.
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(tail) => text[..tail].to_owned(),
        None => text,
    }
}

/// The errors to show: the JSON's own, or the schema's, or (when the
/// arguments fit) those the server found.
pub fn shown_errors(check: &EditorCheck, server_errors: &[FieldError]) -> Vec<FieldError> {
    match check {
        EditorCheck::Valid(_) => server_errors.to_vec(),
        EditorCheck::NotJson(message) => vec![FieldError { pointer: String::new(), message: message.clone() }],
        EditorCheck::Invalid(errors) => errors.clone(),
    }
}

#[component]
pub fn JsonEditor(
    /// The text being edited.
    text: RwSignal<String>,
    /// Called with the new text as it is typed.
    on_edit: Callback<String>,
    /// The errors of the text, each at its pointer.
    errors: Signal<Vec<FieldError>>,
) -> impl IntoView {
    let gutter = NodeRef::<leptos::html::Pre>::new();
    let line_numbers = move || {
        let lines = text.read().lines().count().max(1) + usize::from(text.read().ends_with('\n'));
        (1..=lines).map(|line| line.to_string()).collect::<Vec<_>>().join("\n")
    };
    let invalid = move || !errors.read().is_empty();
    view! {
        <div class="editor">
            <label for="arguments" class="editor-label">
                "Arguments (JSON)"
            </label>
            <div class="editor-frame" class:editor-invalid=invalid>
                <pre class="editor-gutter" aria-hidden="true" node_ref=gutter>
                    {line_numbers}
                </pre>
                <textarea
                    id="arguments"
                    class="editor-text"
                    spellcheck="false"
                    autocomplete="off"
                    rows="10"
                    aria-invalid=move || invalid().to_string()
                    aria-describedby="arguments-errors"
                    prop:value=move || text.get()
                    on:input:target=move |event| on_edit.run(event.target().value())
                    on:scroll:target=move |event| {
                        if let Some(gutter) = gutter.get() {
                            gutter.set_scroll_top(event.target().scroll_top());
                        }
                    }
                >
                    {text.get_untracked()}
                </textarea>
            </div>
            <ul id="arguments-errors" class="field-errors" aria-live="polite">
                {move || field_errors(errors.get())}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::EditorCheck;
    use serde_json::json;
    use types::schema::NoPatterns;

    #[test]
    fn broken_json_says_where() {
        let check = EditorCheck::new("{\n  \"text\": }", &json!({}), &NoPatterns);
        assert_eq!(check, EditorCheck::NotJson("Line 2, column 11: expected value".to_owned()));
    }

    #[test]
    fn json_that_breaks_the_schema_lists_its_errors() {
        let schema = json!({"type": "object", "required": ["text"]});
        assert!(
            matches!(EditorCheck::new("{}", &schema, &NoPatterns), EditorCheck::Invalid(errors) if errors.len() == 1)
        );
        assert!(EditorCheck::new("{\"text\": 1}", &schema, &NoPatterns).is_valid());
    }
}
