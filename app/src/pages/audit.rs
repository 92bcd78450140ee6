//! The audit log, for admins: who did what, as whom, when and from where,
//! newest first, filtered by action, actor, target and time (kept in the
//! URL), a page at a time.

use crate::components::{Page, Time, encode_query, page_data};
use crate::format;
use crate::rpc::get_audit;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use types::{AuditAction, AuditEvent, AuditFilter, AuditList, Problem, RunId};

/// The filter of the page's URL; a bad action is refused.
fn filter_of(get: impl Fn(&str) -> Option<String>) -> Result<AuditFilter, Problem> {
    let text = |key: &str| get(key).filter(|value| !value.trim().is_empty());
    let action = match text("action") {
        Some(word) => {
            Some(AuditAction::parse(&word).ok_or_else(|| Problem::bad_request(format!("{word:?} is not an action.")))?)
        }
        None => None,
    };
    Ok(AuditFilter {
        action,
        actor: text("actor"),
        target: text("target"),
        since: text("since"),
        until: text("until"),
        limit: Some(50),
        before: text("before"),
    })
}

/// `/audit?…` for `filter`, continuing before `before`.
fn audit_href(filter: &AuditFilter, before: Option<&str>) -> String {
    let action = filter.action.map(|action| action.as_str().to_owned());
    let pairs: Vec<String> = [
        ("action", action.as_ref()),
        ("actor", filter.actor.as_ref()),
        ("target", filter.target.as_ref()),
        ("since", filter.since.as_ref()),
        ("until", filter.until.as_ref()),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.map(|value| format!("{key}={}", encode_query(value))))
    .chain(before.map(|before| format!("before={}", encode_query(before))))
    .collect();
    if pairs.is_empty() { "/audit".to_owned() } else { format!("/audit?{}", pairs.join("&")) }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| filter_of(|key| query.read().get(key)));
    let resource = Resource::new(
        move || filter.get(),
        |filter| {
            page_data(async move {
                let filter = filter?;
                get_audit(filter.clone()).await.map(|list| (filter, list))
            })
        },
    );
    view! {
        <Page
            resource
            render=move |(filter, list): (AuditFilter, AuditList)| view! {
                <section class="audit" aria-labelledby="audit-title">
                    <h1 id="audit-title">"Audit log"</h1>
                    <p class="muted">"Every change made here: who, as whom, when and from where."</p>
                    <AuditSearch filter=filter.clone()/>
                    <AuditTable events=list.events/>
                    <nav class="pager" aria-label="Pages">
                        {filter.before.is_some().then(|| view! { <a href=audit_href(&filter, None)>"← Newest"</a> })}
                        {list.next_before.map(|before| view! { <a href=audit_href(&filter, Some(&before))>"Older entries →"</a> })}
                    </nav>
                </section>
            }
        />
    }
}

#[component]
fn AuditSearch(filter: AuditFilter) -> impl IntoView {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let chosen = filter.action.map(AuditAction::as_str).unwrap_or_default();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Search the audit log">
            <label>
                "Action "
                <select name="action">
                    <option value="" selected=chosen.is_empty()>"Any"</option>
                    {AuditAction::ALL
                        .iter()
                        .map(|action| view! { <option value=action.as_str() selected=chosen == action.as_str()>{action.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>"Who " <input name="actor" type="text" value=text(&filter.actor) placeholder="user or token"/></label>
            <label>"Target " <input name="target" type="text" value=text(&filter.target) placeholder="run id, task, name"/></label>
            <label>"From (UTC) " <input name="since" type="text" value=text(&filter.since) placeholder="2026-12-01"/></label>
            <label>"To (UTC) " <input name="until" type="text" value=text(&filter.until) placeholder="2026-12-02T18:00"/></label>
            <button type="submit" class="button-secondary">"Search"</button>
            <a href="/audit" class="button-quiet">"Clear"</a>
        </Form>
    }
}

#[component]
fn AuditTable(events: Vec<AuditEvent>) -> impl IntoView {
    let empty = events.is_empty();
    view! {
        <div class="table-scroll">
            <table class="audit-log">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"From"</th>
                        <th scope="col">"Details"</th>
                    </tr>
                </thead>
                <tbody>
                    {events.into_iter().map(|event| {
                        let who = match &event.as_user {
                            Some(user) => format!("{} ({}) as {user}", event.actor.name, event.actor.kind),
                            None => format!("{} ({})", event.actor.name, event.actor.kind),
                        };
                        let target = event.target.clone().unwrap_or_default();
                        let link = event.target.as_deref().and_then(|target| target.parse::<RunId>().ok()).map(|id| format!("/runs/{id}"));
                        let detail = event.detail.as_ref().map(|detail| format::cut(&detail.to_string(), 300)).unwrap_or_default();
                        view! {
                            <tr class="audit-event" data-action=event.action.as_str()>
                                <td><Time at=event.at.clone()/></td>
                                <td>{who}</td>
                                <td><code>{event.action.as_str()}</code></td>
                                <td>{match link {
                                    Some(href) => view! { <a href=href>{target}</a> }.into_any(),
                                    None => target.into_any(),
                                }}</td>
                                <td title=event.user_agent.clone().unwrap_or_default()>{event.address.clone().unwrap_or_default()}</td>
                                <td class="audit-detail"><code>{detail}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {empty.then(|| view! { <p class="empty">"No entries match."</p> })}
    }
}
