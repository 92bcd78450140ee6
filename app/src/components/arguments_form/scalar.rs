//! The controls of single values: text boxes (of the kind the format names),
//! number boxes with their bounds, and checkboxes.

use super::described::Described;
use super::state::FormState;
use leptos::prelude::*;
use serde_json::Value;
use types::schema::form::{NumberRules, TextRules};

/// The input type of a text of `format`.
fn input_type(format: Option<&str>) -> &'static str {
    match format {
        Some("date") => "date",
        Some("date-time") => "datetime-local",
        Some("email") => "email",
        Some("uri") => "url",
        _ => "text",
    }
}

#[component]
pub fn TextControl(
    rules: TextRules,
    pointer: String,
    described: Described,
    required: bool,
    invalid: Signal<bool>,
    nullable: bool,
) -> impl IntoView {
    let state = expect_context::<FormState>();
    let date_time = rules.format.as_deref() == Some("date-time");
    let read = pointer.clone();
    let shown = move || {
        let text = state.at(&read).and_then(|value| value.as_str().map(str::to_owned)).unwrap_or_default();
        if date_time { crate::format::rfc3339_to_local_input(&text) } else { text }
    };
    let on_input = move |text: String| {
        let new = if text.is_empty() && nullable {
            Value::Null
        } else if date_time {
            Value::String(crate::format::local_input_to_rfc3339(&text).unwrap_or(text))
        } else {
            Value::String(text)
        };
        state.set(&pointer, Some(new));
    };
    view! {
        <input
            id=described.control.clone()
            type=input_type(rules.format.as_deref())
            required=required
            maxlength=rules.max_length.map(|length| length.to_string())
            minlength=rules.min_length.map(|length| length.to_string())
            pattern=rules.pattern.clone()
            aria-describedby=described.by()
            aria-invalid=move || invalid.get().to_string()
            prop:value=shown
            on:input:target=move |event| on_input(event.target().value())
        />
    }
}

#[component]
pub fn NumberControl(
    rules: NumberRules,
    pointer: String,
    described: Described,
    required: bool,
    invalid: Signal<bool>,
) -> impl IntoView {
    let state = expect_context::<FormState>();
    let read = pointer.clone();
    let shown = move || state.at(&read).filter(Value::is_number).map(|value| value.to_string()).unwrap_or_default();
    let integer = rules.integer;
    let on_input = move |text: String| {
        let text = text.trim();
        let new = if text.is_empty() {
            None
        } else if integer {
            text.parse::<i64>().ok().map(Value::from).or_else(|| Some(Value::String(text.to_owned())))
        } else {
            text.parse::<f64>().ok().filter(|number| number.is_finite()).map(Value::from)
        };
        if new.is_some() || !required {
            state.set(&pointer, new);
        }
    };
    view! {
        <input
            id=described.control.clone()
            type="number"
            inputmode=if integer { "numeric" } else { "decimal" }
            required=required
            min=rules.minimum.map(|bound| bound.to_string())
            max=rules.maximum.map(|bound| bound.to_string())
            step=rules.step.map_or_else(|| "any".to_owned(), |step| step.to_string())
            aria-describedby=described.by()
            aria-invalid=move || invalid.get().to_string()
            prop:value=shown
            on:input:target=move |event| on_input(event.target().value())
        />
    }
}

#[component]
pub fn BooleanControl(pointer: String, described: Described, invalid: Signal<bool>) -> impl IntoView {
    let state = expect_context::<FormState>();
    let read = pointer.clone();
    let checked = move || state.at(&read).and_then(|value| value.as_bool()).unwrap_or(false);
    view! {
        <input
            id=described.control.clone()
            type="checkbox"
            aria-describedby=described.by()
            aria-invalid=move || invalid.get().to_string()
            prop:checked=checked
            on:change:target=move |event| state.set(&pointer, Some(Value::Bool(event.target().checked())))
        />
    }
}
