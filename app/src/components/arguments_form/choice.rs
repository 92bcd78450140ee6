//! Choices: a select of fixed values (`enum`), and a choice of variants
//! (`oneOf`/`anyOf` of shapes) that shows the chosen variant's fields.

use super::described::Described;
use super::group::GroupControl;
use super::state::FormState;
use leptos::prelude::*;
use types::schema::form::{FieldKind, SelectOption, Variant};

#[component]
pub fn SelectControl(
    options: Vec<SelectOption>,
    pointer: String,
    described: Described,
    required: bool,
    invalid: Signal<bool>,
) -> impl IntoView {
    let state = expect_context::<FormState>();
    let values: Vec<_> = options.iter().map(|option| option.value.clone()).collect();
    let read = pointer.clone();
    let chosen = {
        let values = values.clone();
        move || {
            let current = state.at(&read);
            current
                .and_then(|value| values.iter().position(|option| *option == value))
                .map_or_else(String::new, |index| index.to_string())
        }
    };
    let on_change = move |index: String| {
        let picked = index.parse::<usize>().ok().and_then(|index| values.get(index).cloned());
        state.set(&pointer, picked);
    };
    view! {
        <select
            id=described.control.clone()
            required=required
            aria-describedby=described.by()
            aria-invalid=move || invalid.get().to_string()
            prop:value=chosen
            on:change:target=move |event| on_change(event.target().value())
        >
            <option value="">"—"</option>
            {options
                .into_iter()
                .enumerate()
                .map(|(index, option)| view! { <option value=index.to_string()>{option.label}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
pub fn VariantsControl(variants: Vec<Variant>, pointer: String, described: Described) -> impl IntoView {
    let state = expect_context::<FormState>();
    let variants = StoredValue::new(variants);
    let read = pointer.clone();
    let chosen = Memo::new(move |_| {
        let current = state.at(&read);
        variants.with_value(|variants| {
            current.and_then(|value| variants.iter().position(|variant| variant.field.fits(&value))).unwrap_or(0)
        })
    });
    let write = pointer.clone();
    let choose = move |index: String| {
        let Ok(index) = index.parse::<usize>() else { return };
        let initial = variants.with_value(|variants| variants.get(index).map(|variant| variant.field.initial()));
        state.set(&write, initial);
    };
    let select_id = format!("{}-variant", described.control);
    view! {
        <label for=select_id.clone()>"Kind "</label>
        <select id=select_id prop:value=move || chosen.get().to_string() on:change:target=move |event| choose(event.target().value())>
            {variants
                .with_value(|variants| variants.iter().map(|variant| variant.label.clone()).collect::<Vec<_>>())
                .into_iter()
                .enumerate()
                .map(|(index, label)| view! { <option value=index.to_string()>{label}</option> })
                .collect_view()}
        </select>
        {move || {
            let field = variants.with_value(|variants| variants.get(chosen.get()).map(|variant| variant.field.clone()));
            // A shape's fields sit in the choice's own fieldset, which shows their errors.
            field.map(|field| match field.kind {
                FieldKind::Group(properties) => view! { <GroupControl properties pointer=pointer.clone()/> }.into_any(),
                _ => state.field(field, pointer.clone(), "Value".to_owned(), true),
            })
        }}
    }
}
