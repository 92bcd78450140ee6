//! The form for a task's arguments, made from its JSON Schema: one control
//! per value, each labelled, with its description and default, required
//! fields marked, and the errors of its value shown at it (and announced
//! to screen readers through `aria-describedby`). The form and the JSON
//! editor edit the same value: the JSON text stays the source of truth,
//! the form reads it and writes it back.

mod choice;
mod described;
mod field;
mod group;
mod list;
mod scalar;
mod state;

use field::FieldView;
use leptos::prelude::*;
use serde_json::Value;
use state::FormState;
use types::FieldError;
use types::schema::form::Field;

/// The form for `field` (the arguments' whole schema).
#[component]
pub fn ArgumentsForm(
    field: Field,
    value: Signal<Option<Value>>,
    errors: Signal<Vec<FieldError>>,
    write: Callback<Value>,
) -> impl IntoView {
    let state = FormState { value, errors, write, nested: nested_field };
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

/// The field of a value inside another (a property, an item, a variant):
/// the containers reach [`FieldView`] through [`FormState::nested`], so no
/// file of the form imports the one that imports it.
fn nested_field(field: Field, pointer: String, label: String, required: bool) -> AnyView {
    view! { <FieldView field pointer label required/> }.into_any()
}
