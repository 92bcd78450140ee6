//! One field: its label (the required ones marked), its control, its
//! description and its errors, tied together for assistive technology.

use super::choice::{SelectControl, VariantsControl};
use super::described::Described;
use super::group::GroupControl;
use super::list::ListControl;
use super::scalar::{BooleanControl, NumberControl, TextControl};
use super::state::FormState;
use leptos::prelude::*;
use types::schema::form::{Field, FieldKind};

/// The field of the value at `pointer`.
#[component]
pub fn FieldView(field: Field, pointer: String, label: String, required: bool) -> impl IntoView {
    let state = expect_context::<FormState>();
    let described = Described::new(&pointer, &field);
    let label = field.title.clone().unwrap_or(label);
    let errors_pointer = pointer.clone();
    let invalid = Signal::derive(move || !state.errors_at(&errors_pointer).is_empty());
    let help = field.description.clone().map(|text| {
        view! { <p class="field-help" id=described.description.clone()>{text}</p> }
    });
    let errors_pointer = pointer.clone();
    let errors = view! {
        <ul class="field-errors" id=described.errors.clone() aria-live="polite">
            {move || state.errors_at(&errors_pointer).into_iter().map(|message| view! { <li>{message}</li> }).collect_view()}
        </ul>
    };
    let marked = move || required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> });
    let control = match field.kind.clone() {
        FieldKind::Group(properties) => {
            return view! {
                <fieldset class="field-group" aria-describedby=described.by()>
                    {(!pointer.is_empty()).then(|| view! { <legend>{label.clone()}{marked()}</legend> })}
                    {help}
                    <GroupControl properties pointer=pointer.clone()/>
                    {errors}
                </fieldset>
            }
            .into_any();
        }
        FieldKind::List { item, min_items, max_items } => {
            return view! {
                <fieldset class="field-list" aria-describedby=described.by()>
                    <legend>{label.clone()}{marked()}</legend>
                    {help}
                    <ListControl item=*item pointer=pointer.clone() min_items max_items/>
                    {errors}
                </fieldset>
            }
            .into_any();
        }
        FieldKind::Text(rules) => {
            view! { <TextControl rules pointer=pointer.clone() described=described.clone() required invalid nullable=field.nullable/> }
                .into_any()
        }
        FieldKind::Number(rules) => {
            view! { <NumberControl rules pointer=pointer.clone() described=described.clone() required invalid/> }.into_any()
        }
        FieldKind::Boolean => {
            view! { <BooleanControl pointer=pointer.clone() described=described.clone() invalid/> }.into_any()
        }
        FieldKind::Select(options) => {
            view! { <SelectControl options pointer=pointer.clone() described=described.clone() required invalid/> }
                .into_any()
        }
        FieldKind::Variants(variants) => {
            return view! {
                <fieldset class="field-variants" aria-describedby=described.by()>
                    <legend>{label.clone()}{marked()}</legend>
                    {help}
                    <VariantsControl variants pointer=pointer.clone() described=described.clone()/>
                    {errors}
                </fieldset>
            }
            .into_any();
        }
    };
    view! {
        <div class="field">
            <label for=described.control.clone()>{label}{marked()}</label>
            {control}
            {help}
            {errors}
        </div>
    }
    .into_any()
}
