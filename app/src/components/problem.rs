//! A problem from the server, shown next to what caused it.

use leptos::prelude::*;
use types::{FieldError, Problem};

#[component]
pub fn ProblemNotice(problem: Problem) -> impl IntoView {
    let errors = problem.errors.clone();
    view! {
        <div class="problem" role="alert">
            <strong>{problem.title.clone()}</strong>
            " "
            <span>{problem.detail.clone()}</span>
            {(!errors.is_empty()).then(|| view! { <ul class="field-errors">{field_errors(errors)}</ul> })}
        </div>
    }
}

/// Each error as `<li><code>/pointer</code>: message</li>`.
pub fn field_errors(errors: Vec<FieldError>) -> impl IntoView {
    errors
        .into_iter()
        .map(|error| {
            let at = if error.pointer.is_empty() { "(arguments)".to_owned() } else { error.pointer };
            view! {
                <li>
                    <code>{at}</code>
                    ": "
                    {error.message}
                </li>
            }
        })
        .collect_view()
}
