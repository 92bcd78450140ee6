//! Users, for admins: who may sign in, with which role.

use crate::components::{Page, PageData, ProblemNotice, RoleSelect, page_data, spawn_call, use_announcer};
use crate::format;
use crate::rpc::{add_user, delete_user, list_users};
use leptos::prelude::*;
use types::{NewUser, Problem, Role, User};

#[component]
pub fn UsersPage() -> impl IntoView {
    let users = Resource::new(|| (), |()| page_data(list_users()));
    let problem = RwSignal::new(None::<Problem>);
    view! {
        <Page
            resource=users
            render={move |list: Vec<User>| view! {
                <section aria-labelledby="users-title" class="narrow">
                    <h1 id="users-title">"Users"</h1>
                    <AddUser users problem/>
                    {move || problem.get().map(|problem| view! { <ProblemNotice problem/> })}
                    <UserTable list users problem/>
                </section>
            }}
        />
    }
}

/// The form that adds a user.
#[component]
fn AddUser(users: Resource<PageData<Vec<User>>>, problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let announcer = use_announcer();
    let (name, password, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(Role::Operator));
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let user =
            NewUser { name: name.get_untracked(), role: role.get_untracked(), password: password.get_untracked() };
        spawn_call(problem, add_user(user), move |user| {
            name.set(String::new());
            password.set(String::new());
            announcer.say(format!("Added {}.", user.name));
            users.refetch();
        });
    };
    view! {
        <form class="inline-form" on:submit=add>
            <label>"Name " <input required prop:value=move || name.get() on:input:target=move |event| name.set(event.target().value())/></label>
            <RoleSelect role/>
            <label>
                "Password "
                <input type="password" autocomplete="new-password" minlength="8" required prop:value=move || password.get() on:input:target=move |event| password.set(event.target().value())/>
            </label>
            <button type="submit" class="button-primary">"Add user"</button>
        </form>
    }
}

/// Every user, each with a delete button.
#[component]
fn UserTable(
    list: Vec<User>,
    users: Resource<PageData<Vec<User>>>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let announcer = use_announcer();
    let remove = move |name: String| {
        spawn_call(problem, delete_user(name.clone()), move |()| {
            announcer.say(format!("Deleted {name}."));
            users.refetch();
        });
    };
    view! {
        <table class="users">
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Since"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {list.into_iter().map(|user| {
                    let name = user.name.clone();
                    view! {
                        <tr>
                            <td>{user.name.clone()}</td>
                            <td>{user.role.as_str()}</td>
                            <td>{format::time(&user.created_at)}</td>
                            <td><button type="button" class="button-danger" aria-label=format!("Delete {}", user.name) on:click=move |_| remove(name.clone())>"Delete"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
