//! Choosing a role, for new users and new tokens.

use crate::types::Role;
use leptos::prelude::*;

#[component]
pub fn RoleSelect(role: RwSignal<Role>) -> impl IntoView {
    view! {
        <label>
            "Role "
            <select on:change:target=move |event| role.set(Role::parse(&event.target().value()).unwrap_or(Role::Viewer))>
                {Role::ALL
                    .into_iter()
                    .map(|option| {
                        view! {
                            <option value=option.as_str() selected=move || role.get() == option>
                                {option.as_str()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
