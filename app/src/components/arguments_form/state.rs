//! What every field of the form shares: the value, its errors, and how to
//! write it back.

use leptos::prelude::*;
use serde_json::Value;
use types::FieldError;
use types::schema::form::Field;

/// What every field of the form reads and writes.
#[derive(Clone, Copy)]
pub struct FormState {
    /// The value the editor holds (`None` while its text is not JSON).
    pub value: Signal<Option<Value>>,
    /// The errors of the value, each at its pointer.
    pub errors: Signal<Vec<FieldError>>,
    /// Replaces the whole value.
    pub write: Callback<Value>,
    /// Renders the field of a nested value.
    pub nested: fn(Field, String, String, bool) -> AnyView,
}

impl FormState {
    /// The value at `pointer` (tracked).
    pub fn at(self, pointer: &str) -> Option<Value> {
        self.value.with(|value| value.as_ref().and_then(|value| value.pointer(pointer).cloned()))
    }

    /// Sets (or, with `None`, removes) the value at `pointer`.
    pub fn set(self, pointer: &str, new: Option<Value>) {
        let mut value = self.value.get_untracked().unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        types::schema::pointer::set(&mut value, pointer, new);
        self.write.run(value);
    }

    /// The messages of the errors at exactly `pointer` (tracked).
    pub fn errors_at(self, pointer: &str) -> Vec<String> {
        self.errors.with(|errors| {
            errors.iter().filter(|error| error.pointer == pointer).map(|error| error.message.clone()).collect()
        })
    }

    /// The field of the value at `pointer`, inside another.
    pub fn field(self, field: Field, pointer: String, label: String, required: bool) -> AnyView {
        (self.nested)(field, pointer, label, required)
    }
}
