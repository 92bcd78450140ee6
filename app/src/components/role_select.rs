//! Choosing a role, for new users and new tokens.

use leptos::prelude::*;
use types::Role;

#[component]
pub fn RoleSelect(role: RwSignal<Role>) -> impl IntoView {
    view! {
        <label>
            "Role "
            <select on:change:target=move |event| role.set(Role::parse(&event.target().value()).unwrap_or(Role::Viewer))>
                {Role::ALL
                    .iter()
                    .copied()
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
