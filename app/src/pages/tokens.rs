//! API tokens, for admins: create one (its secret is shown once), revoke one.

use crate::components::{
    Page, PageData, ProblemNotice, RoleSelect, copy_and_announce, page_data, spawn_call, use_announcer,
};
use crate::format;
use crate::rpc::{create_token, list_tokens, revoke_token};
use leptos::prelude::*;
use types::{ApiToken, CreatedToken, NewToken, Problem, Role};

#[component]
pub fn TokensPage() -> impl IntoView {
    let tokens = Resource::new(|| (), |()| page_data(list_tokens()));
    let problem = RwSignal::new(None::<Problem>);
    let created = RwSignal::new(None::<CreatedToken>);
    view! {
        <Page
            resource=tokens
            render={move |list: Vec<ApiToken>| view! {
                <section aria-labelledby="tokens-title" class="narrow">
                    <h1 id="tokens-title">"API tokens"</h1>
                    <p class="muted">"Third parties send a token as " <code>"Authorization: Bearer …"</code> ". Its role limits what it may do."</p>
                    <CreateToken tokens problem created/>
                    {move || problem.get().map(|problem| view! { <ProblemNotice problem/> })}
                    {move || created.get().map(|created| view! { <NewSecret created/> })}
                    <TokenTable list tokens problem/>
                </section>
            }}
        />
    }
}

/// The form that creates a token.
#[component]
fn CreateToken(
    tokens: Resource<PageData<Vec<ApiToken>>>,
    problem: RwSignal<Option<Problem>>,
    created: RwSignal<Option<CreatedToken>>,
) -> impl IntoView {
    let (name, role) = (RwSignal::new(String::new()), RwSignal::new(Role::Operator));
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let token = NewToken { name: name.get_untracked(), role: role.get_untracked() };
        spawn_call(problem, create_token(token), move |token| {
            name.set(String::new());
            created.set(Some(token));
            tokens.refetch();
        });
    };
    view! {
        <form class="inline-form" on:submit=create>
            <label>"Name " <input required placeholder="e.g. crm-sync" prop:value=move || name.get() on:input:target=move |event| name.set(event.target().value())/></label>
            <RoleSelect role/>
            <button type="submit" class="button-primary">"Create token"</button>
        </form>
    }
}

/// A token just created: its secret, shown this once, with a copy button.
#[component]
fn NewSecret(created: CreatedToken) -> impl IntoView {
    let announcer = use_announcer();
    let secret = created.secret.clone();
    view! {
        <div class="secret" role="alert">
            <p>
                <strong>{format!("Token {} created. ", created.token.name)}</strong>
                "Copy it now: it is not shown again."
            </p>
            <code class="secret-value">{created.secret.clone()}</code>
            <button type="button" class="button-secondary" on:click=move |_| copy_and_announce(announcer, secret.clone(), "the token")>
                "Copy"
            </button>
        </div>
    }
}

/// Every token, each active one with a revoke button.
#[component]
fn TokenTable(
    list: Vec<ApiToken>,
    tokens: Resource<PageData<Vec<ApiToken>>>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let announcer = use_announcer();
    let revoke = move |id: String| {
        spawn_call(problem, revoke_token(id), move |token| {
            announcer.say(format!("Revoked {}.", token.name));
            tokens.refetch();
        });
    };
    view! {
        <table class="tokens">
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Role"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {list.into_iter().map(|token| {
                    let id = token.id.clone();
                    let revoked = token.revoked_at.is_some();
                    view! {
                        <tr>
                            <td>{token.name.clone()}</td>
                            <td>{token.role.as_str()}</td>
                            <td>{format!("{} by {}", format::time(&token.created_at), token.created_by)}</td>
                            <td>{token.last_used_at.as_deref().map_or_else(|| "never".to_owned(), format::time)}</td>
                            <td>{if revoked { "Revoked" } else { "Active" }}</td>
                            <td>{(!revoked).then(|| view! {
                                <button type="button" class="button-danger" aria-label=format!("Revoke {}", token.name) on:click=move |_| revoke(id.clone())>"Revoke"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
