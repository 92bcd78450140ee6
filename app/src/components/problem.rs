//! A problem from the server, shown next to what caused it.

use crate::types::Problem;
use leptos::prelude::*;

#[component]
pub fn ProblemNotice(problem: Problem) -> impl IntoView {
    let errors = problem.errors.clone();
    view! {
        <div class="problem" role="alert">
            <strong>{problem.title.clone()}</strong>
            " "
            <span>{problem.detail.clone()}</span>
            {(!errors.is_empty())
                .then(|| {
                    view! {
                        <ul class="field-errors">
                            {errors
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
                                .collect_view()}
                        </ul>
                    }
                })}
        </div>
    }
}
