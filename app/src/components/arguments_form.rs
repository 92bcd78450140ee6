//! The form for a task's arguments, made from its JSON Schema: one control
//! per value, each labelled, with its description and default, required
//! fields marked, and the errors of its value shown at it (and announced
//! to screen readers through `aria-describedby`). The form and the JSON
//! editor edit the same value: the JSON text stays the source of truth,
//! the form reads it and writes it back.

mod choice;
mod field;
mod group;
mod list;
mod scalar;

use field::FieldView;
use leptos::prelude::*;
use serde_json::Value;
use types::FieldError;
use types::schema::form::Field;

/// What every field of the form reads and writes.
#[derive(Clone, Copy)]
struct FormState {
    /// The value the editor holds (`None` while its text is not JSON).
    value: Signal<Option<Value>>,
    /// The errors of the value, each at its pointer.
    errors: Signal<Vec<FieldError>>,
    /// Replaces the whole value.
    write: Callback<Value>,
}

impl FormState {
    /// The value at `pointer` (tracked).
    fn at(self, pointer: &str) -> Option<Value> {
        self.value.with(|value| value.as_ref().and_then(|value| value.pointer(pointer).cloned()))
    }

    /// Sets (or, with `None`, removes) the value at `pointer`.
    fn set(self, pointer: &str, new: Option<Value>) {
        let mut value = self.value.get_untracked().unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        types::schema::pointer::set(&mut value, pointer, new);
        self.write.run(value);
    }

    /// The messages of the errors at exactly `pointer` (tracked).
    fn errors_at(self, pointer: &str) -> Vec<String> {
        self.errors.with(|errors| {
            errors.iter().filter(|error| error.pointer == pointer).map(|error| error.message.clone()).collect()
        })
    }
}

/// The form for `field` (the arguments' whole schema).
#[component]
pub fn ArgumentsForm(
    field: Field,
    value: Signal<Option<Value>>,
    errors: Signal<Vec<FieldError>>,
    write: Callback<Value>,
) -> impl IntoView {
    let state = FormState { value, errors, write };
    provide_context(state);
    view! {
        <div class="arguments-form" id="arguments-form">
            <Show
                when=move || value.with(Option::is_some)
                fallback=|| view! { <p class="note">"The JSON does not read; fix it in the JSON editor to use the form."</p> }
            >
                <FieldView field=field.clone() pointer=String::new() label="Arguments".to_owned() required=true/>
            </Show>
        </div>
    }
}

/// An id for the control of the value at `pointer`, one per pointer: `/`
/// becomes `-`, letters and digits stay, anything else is written as
/// `_hex_`.
fn control_id(pointer: &str) -> String {
    use std::fmt::Write;
    let mut id = String::from("arg");
    for character in pointer.chars() {
        match character {
            '/' => id.push('-'),
            character if character.is_ascii_alphanumeric() => id.push(character),
            character => {
                let _ = write!(id, "_{:x}_", u32::from(character));
            }
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::control_id;

    #[test]
    fn every_pointer_gets_a_usable_id() {
        assert_eq!(control_id(""), "arg");
        assert_eq!(control_id("/tags/0"), "arg-tags-0");
        assert_eq!(control_id("/a b"), "arg-a_20_b");
        assert_ne!(control_id("/a-b"), control_id("/a/b"));
        assert_ne!(control_id("/a_2d_b"), control_id("/a-b"));
    }
}
