//! All runs: a search across tasks (state, task, who, as whom, origin,
//! time range, values inside the arguments, text in the result or error),
//! kept in the URL so that it can be shared, a page at a time (keyset
//! paging), kept live like a task's history; and bulk actions on the runs
//! chosen, or on every run the search matches, after a confirmation that
//! states the count.

use crate::components::{
    InfoDialog, LiveRuns, Page, ProblemNotice, RunActions, RunInfoDialog, RunSelection, RunsTable, encode_query,
    page_data, spawn_call, use_announcer, use_session,
};
use crate::rpc::{bulk_runs, list_runs};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use types::{BulkAction, BulkOutcome, BulkRequest, Origin, Problem, Role, Run, RunFilter, RunList, RunState};

/// The form's one field for argument conditions: `customer=42; region=eu`.
const ARGS_FIELD: &str = "args";

/// The filter of the page's URL: the API's parameters (`arguments.KEY=VALUE`
/// among them), plus the form's `args` field.
fn filter_of(pairs: Vec<(String, String)>) -> Result<RunFilter, String> {
    let mut expanded = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if key != ARGS_FIELD {
            expanded.push((key, value));
            continue;
        }
        for condition in value.split(';').map(str::trim).filter(|condition| !condition.is_empty()) {
            let (path, value) = condition
                .split_once('=')
                .ok_or_else(|| format!("Write each argument condition as key=value, not {condition:?}."))?;
            expanded.push((format!("arguments.{}", path.trim()), value.trim().to_owned()));
        }
    }
    let mut filter = RunFilter::from_query(expanded)?;
    filter.limit = Some(50);
    Ok(filter)
}

/// `customer=42; region=eu`: the filter's argument conditions, for the form.
fn args_text(filter: &RunFilter) -> String {
    let conditions: Vec<String> =
        filter.arguments.iter().map(|matched| format!("{}={}", matched.path.join("."), matched.text())).collect();
    conditions.join("; ")
}

/// `/runs?…` for `filter` (the API's parameters, so the link works there too).
fn runs_href(filter: &RunFilter) -> String {
    let pairs: Vec<String> = filter
        .to_query()
        .into_iter()
        .filter(|(key, _)| key != "limit")
        .map(|(key, value)| format!("{key}={}", encode_query(&value)))
        .collect();
    if pairs.is_empty() { "/runs".to_owned() } else { format!("/runs?{}", pairs.join("&")) }
}

#[component]
pub fn AllRunsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let pairs: Vec<(String, String)> =
            (&*query.read()).into_iter().map(|(key, value)| (key.to_string(), value.to_owned())).collect();
        filter_of(pairs)
    });
    let resource = Resource::new(
        move || filter.get(),
        |filter| {
            page_data(async move {
                match filter {
                    Ok(filter) => list_runs(filter.clone()).await.map(|list| (filter, list)),
                    Err(detail) => Err(Problem::bad_request(detail)),
                }
            })
        },
    );
    let info = InfoDialog::new();
    let refresh = Callback::new(move |()| resource.refetch());
    view! {
        <Page
            resource
            render=move |(filter, list): (RunFilter, RunList)| {
                view! {
                    <section class="all-runs" aria-labelledby="all-runs-title">
                        <h1 id="all-runs-title">"All runs"</h1>
                        <SearchForm filter=filter.clone()/>
                        <LiveRunList filter runs=list.runs next_before=list.next_before info refresh/>
                        <RunInfoDialog dialog=info/>
                    </section>
                }
            }
        />
    }
}

/// The search: a plain GET form, so that it works before the page hydrates
/// and its URL can be shared.
#[component]
fn SearchForm(filter: RunFilter) -> impl IntoView {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let state = filter.state.map(RunState::as_str).unwrap_or_default();
    let origin = filter.origin.map(Origin::as_str).unwrap_or_default();
    let filtered = filter != RunFilter { limit: filter.limit, ..RunFilter::default() };
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search" attr:aria-label="Search runs">
            <label>
                "State "
                <select name="state">
                    <option value="" selected=state.is_empty()>"Any"</option>
                    {RunState::ALL
                        .iter()
                        .map(|option| view! {
                            <option value=option.as_str() selected=state == option.as_str()>{option.label()}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label>"Task " <input name="task" type="text" value=text(&filter.task) placeholder="dotted.path"/></label>
            <label>"User " <input name="user" type="text" value=text(&filter.user) placeholder="started by or run as"/></label>
            <label>
                "Origin "
                <select name="origin">
                    <option value="" selected=origin.is_empty()>"Any"</option>
                    {Origin::ALL
                        .iter()
                        .map(|option| view! {
                            <option value=option.as_str() selected=origin == option.as_str()>{option.as_str()}</option>
                        })
                        .collect_view()}
                </select>
            </label>
            <label>"From (UTC) " <input name="since" type="text" value=text(&filter.since) placeholder="2026-12-01T09:00"/></label>
            <label>"To (UTC) " <input name="until" type="text" value=text(&filter.until) placeholder="2026-12-02"/></label>
            <label class="wide">
                "Arguments "
                <input name=ARGS_FIELD type="text" value=args_text(&filter) placeholder="customer.id=42; region=eu"/>
            </label>
            <label class="wide">
                "Result or error contains " <input name="text" type="search" value=text(&filter.text) placeholder="timed out"/>
            </label>
            // Kept when set from a shared link, so that the form does not drop them.
            {filter.started_by.clone().map(|value| view! { <input type="hidden" name="started_by" value=value/> })}
            {filter.run_as.clone().map(|value| view! { <input type="hidden" name="as" value=value/> })}
            <button type="submit" class="button-secondary">"Search"</button>
            {filtered.then(|| view! { <a href="/runs" class="button-quiet">"Clear"</a> })}
        </Form>
    }
}

#[component]
fn LiveRunList(
    filter: RunFilter,
    runs: Vec<Run>,
    next_before: Option<String>,
    info: InfoDialog,
    refresh: Callback<()>,
) -> impl IntoView {
    let live = LiveRuns::new();
    provide_context(RunActions { live, info, to_editor: None, edit_again: None });
    let may_act = use_session().is_some_and(|session| session.may(Role::Operator));
    let selection = RunSelection::new();
    if may_act {
        provide_context(selection);
    }
    let limit = runs.len().max(1);
    let more = next_before.is_some();
    let rows = Memo::new(move |_| live.merge(&runs, limit));
    crate::components::keep_polling(rows, live);
    let older = next_before.map(|cursor| runs_href(&RunFilter { before: Some(cursor), ..filter.clone() }));
    let newest = filter.before.is_some().then(|| runs_href(&RunFilter { before: None, ..filter.clone() }));
    let paged = newest.is_some() || more;
    view! {
        {may_act.then(|| view! { <BulkBar filter=filter.clone() rows selection paged refresh/> })}
        <RunsTable rows show_task=true empty="No runs match."/>
        <nav class="pager" aria-label="Pages">
            {newest.map(|href| view! { <a href=href>"← Newest"</a> })}
            {older.map(|href| view! { <a href=href>"Older runs →"</a> })}
        </nav>
    }
}

/// What the bar is asking the user to confirm.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Pending {
    action: BulkAction,
    count: u64,
}

/// The bulk actions: how many runs are chosen, "all matching", cancel or
/// re-run them after a confirmation that states the count.
#[component]
fn BulkBar(
    filter: RunFilter,
    rows: Memo<Vec<Run>>,
    selection: RunSelection,
    paged: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let announcer = use_announcer();
    let problem = RwSignal::new(None::<Problem>);
    let confirming = RwSignal::new(None::<Pending>);
    let working = RwSignal::new(false);
    let filter = StoredValue::new(filter.without_paging());
    let count = move || selection.count();
    let request = move |action: BulkAction, dry_run: bool, expect: Option<u64>| {
        let (ids, filter) = match selection.all_matching.get_untracked() {
            Some(_) => (None, Some(filter.get_value())),
            None => (Some(selection.chosen.get_untracked().into_iter().collect()), None),
        };
        BulkRequest { action, ids, filter, dry_run, expect }
    };
    let choose_all_matching = move |_| {
        let counting = BulkRequest {
            action: BulkAction::Cancel,
            ids: None,
            filter: Some(filter.get_value()),
            dry_run: true,
            expect: None,
        };
        spawn_call(problem, bulk_runs(counting), move |outcome: BulkOutcome| {
            selection.all_matching.set(Some(outcome.matched));
            announcer.say(format!("All {} matching runs are chosen.", outcome.matched));
        });
    };
    let ask = move |action: BulkAction| confirming.set(Some(Pending { action, count: count() }));
    let confirm = move |_| {
        let Some(pending) = confirming.get_untracked() else { return };
        working.set(true);
        let call = bulk_runs(request(pending.action, false, Some(pending.count)));
        leptos::task::spawn_local(async move {
            let answer = call.await;
            working.set(false);
            match answer {
                Ok(outcome) => {
                    problem.set(None);
                    confirming.set(None);
                    selection.clear();
                    announcer.say(outcome_sentence(&outcome));
                    refresh.run(());
                }
                // The confirmation stays open, with the problem (a changed count) under it.
                Err(error) => problem.set(Some(error)),
            }
        });
    };
    view! {
        <div class="bulk-bar" role="region" aria-label="Bulk actions">
            <span class="bulk-count" aria-live="polite">
                {move || match selection.all_matching.get() {
                    Some(all) => format!("All {all} runs matching this search are chosen."),
                    None => match selection.chosen.read().len() {
                        0 => "Choose runs to cancel or run again.".to_owned(),
                        1 => "1 run chosen.".to_owned(),
                        chosen => format!("{chosen} runs chosen."),
                    },
                }}
            </span>
            {move || (selection.all_matching.get().is_none() && (paged || !rows.read().is_empty())).then(|| view! {
                <button type="button" class="button-quiet" on:click=choose_all_matching>"Choose all matching this search"</button>
            })}
            <button type="button" class="button-secondary" disabled=move || count() == 0 on:click=move |_| ask(BulkAction::Cancel)>
                "Cancel…"
            </button>
            <button type="button" class="button-secondary" disabled=move || count() == 0 on:click=move |_| ask(BulkAction::Rerun)>
                "Run again…"
            </button>
            {move || (count() > 0).then(|| view! {
                <button type="button" class="button-quiet" on:click=move |_| selection.clear()>"Clear choice"</button>
            })}
        </div>
        {move || confirming.get().map(|pending| {
            let (verb, button) = match pending.action {
                BulkAction::Cancel => ("Cancel", format!("Cancel {} runs", pending.count)),
                BulkAction::Rerun => ("Run again", format!("Run {} runs again", pending.count)),
            };
            let scope = if selection.all_matching.get_untracked().is_some() { " matching this search" } else { "" };
            view! {
                <div class="bulk-confirm" role="alertdialog" aria-labelledby="bulk-confirm-text">
                    <p id="bulk-confirm-text">
                        {format!("{verb} {} runs{scope}? ", pending.count)}
                        {(pending.action == BulkAction::Cancel).then_some("Runs that have already ended are left alone.")}
                    </p>
                    <button type="button" class="button-primary" disabled=move || working.get() on:click=confirm>{button}</button>
                    <button type="button" class="button-quiet" on:click=move |_| confirming.set(None)>"Keep them"</button>
                </div>
            }
        })}
        {move || problem.get().map(|problem| view! { <ProblemNotice problem/> })}
    }
}

/// "Cancelled 35 runs; 2 had already ended."
fn outcome_sentence(outcome: &BulkOutcome) -> String {
    let done = match outcome.action {
        Some(BulkAction::Rerun) => format!("Started {} runs again", outcome.affected),
        _ => format!("Cancelled {} runs", outcome.affected),
    };
    match outcome.skipped {
        0 => format!("{done}."),
        skipped => format!("{done}; {skipped} left alone."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_argument_field_becomes_argument_conditions() {
        let pairs = vec![
            ("args".to_owned(), "customer.id=42; region = eu".to_owned()),
            ("state".to_owned(), "failure".to_owned()),
        ];
        let filter = filter_of(pairs).unwrap();
        assert_eq!(filter.arguments.len(), 2);
        assert_eq!(args_text(&filter), "customer.id=42; region=eu");
        assert_eq!(runs_href(&filter), "/runs?state=failure&arguments.customer.id=42&arguments.region=eu");
        assert!(filter_of(vec![("args".to_owned(), "nonsense".to_owned())]).unwrap_err().contains("key=value"));
    }
}
