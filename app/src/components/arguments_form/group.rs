//! An object's properties, each a field (required ones marked). An
//! optional property that is absent can be added, and removed again.

use super::state::FormState;
use leptos::prelude::*;
use types::schema::form::{FieldKind, Property};
use types::schema::pointer::join;

#[component]
pub fn GroupControl(properties: Vec<Property>, pointer: String) -> impl IntoView {
    properties
        .into_iter()
        .map(|property| {
            let here = join(&pointer, &property.name);
            view! { <PropertyView property pointer=here/> }
        })
        .collect_view()
}

#[component]
fn PropertyView(property: Property, pointer: String) -> impl IntoView {
    let state = expect_context::<FormState>();
    let read = pointer.clone();
    let present = Memo::new(move |_| state.at(&read).is_some());
    let label = property.label();
    let Property { required, field, .. } = property;
    // A fixed value (the tag of a variant) is set when the variant is
    // chosen; there is nothing to edit.
    if required && matches!(&field.kind, FieldKind::Select(options) if options.len() == 1) {
        return ().into_any();
    }
    if required {
        return state.field(field, pointer, label, true);
    }
    let initial = field.initial();
    let (add_at, remove_at) = (pointer.clone(), pointer.clone());
    view! {
        <Show
            when=move || present.get()
            fallback={
                let (add_at, initial, label) = (add_at.clone(), initial.clone(), label.clone());
                move || {
                    let (add_at, initial) = (add_at.clone(), initial.clone());
                    view! {
                        <button type="button" class="button-quiet field-add" on:click=move |_| state.set(&add_at, Some(initial.clone()))>
                            {format!("Add {label}")}
                        </button>
                    }
                }
            }
        >
            <div class="field-optional">
                {state.field(field.clone(), pointer.clone(), label.clone(), false)}
                <button
                    type="button"
                    class="button-quiet field-remove"
                    aria-label=format!("Leave out {label}")
                    on:click={
                        let remove_at = remove_at.clone();
                        move |_| state.set(&remove_at, None)
                    }
                >
                    "Leave out"
                </button>
            </div>
        </Show>
    }
    .into_any()
}
