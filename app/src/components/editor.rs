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
    pub fn new(text: &str, schema: &Value) -> EditorCheck {
        match serde_json::from_str::<Value>(text) {
            Err(error) => EditorCheck::NotJson(format!(
                "Line {}, column {}: {}",
                error.line(),
                error.column(),
                message_of(&error)
            )),
            Ok(value) => {
                let errors = types::schema::validate(schema, &value, &crate::browser_patterns());
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

#[component]
pub fn JsonEditor(
    /// The text being edited.
    text: RwSignal<String>,
    /// What "Reset to defaults" puts back.
    defaults: String,
    /// The live check of `text`.
    check: Memo<EditorCheck>,
    /// Errors the server found at field paths (422), shown with the others.
    server_errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let gutter = NodeRef::<leptos::html::Pre>::new();
    let line_numbers = move || {
        let lines = text.read().lines().count().max(1) + usize::from(text.read().ends_with('\n'));
        (1..=lines).map(|line| line.to_string()).collect::<Vec<_>>().join("\n")
    };
    let format = move |_| {
        if let Ok(value) = serde_json::from_str::<Value>(&text.get_untracked()) {
            text.set(crate::format::pretty(&value));
        }
    };
    let errors = move || match check.get() {
        EditorCheck::Valid(_) => server_errors.get(),
        EditorCheck::NotJson(message) => vec![FieldError { pointer: String::new(), message }],
        EditorCheck::Invalid(errors) => errors,
    };
    let invalid = move || !errors().is_empty();
    view! {
        <div class="editor">
            <div class="editor-bar">
                <label for="arguments" class="editor-label">
                    "Arguments (JSON)"
                </label>
                <button type="button" class="button-quiet" on:click=format disabled=move || !matches!(check.get(), EditorCheck::Valid(_) | EditorCheck::Invalid(_))>
                    "Format"
                </button>
                <button
                    type="button"
                    class="button-quiet"
                    on:click=move |_| {
                        text.set(defaults.clone());
                        server_errors.set(Vec::new());
                    }
                >
                    "Reset to defaults"
                </button>
            </div>
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
                    on:input:target=move |event| {
                        text.set(event.target().value());
                        server_errors.set(Vec::new());
                    }
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
                {move || field_errors(errors())}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::EditorCheck;
    use serde_json::json;

    #[test]
    fn broken_json_says_where() {
        let check = EditorCheck::new("{\n  \"text\": }", &json!({}));
        assert_eq!(check, EditorCheck::NotJson("Line 2, column 11: expected value".to_owned()));
    }

    #[test]
    fn json_that_breaks_the_schema_lists_its_errors() {
        let schema = json!({"type": "object", "required": ["text"]});
        assert!(matches!(EditorCheck::new("{}", &schema), EditorCheck::Invalid(errors) if errors.len() == 1));
        assert!(EditorCheck::new("{\"text\": 1}", &schema).is_valid());
    }
}
