//! The Task starter: the configured tasks with search; the selected one's
//! description, arguments editor and start buttons; and its live history.

use crate::components::{
    EditorCheck, History, InfoDialog, JsonEditor, LiveRuns, Page, ProblemNotice, RunActions, RunInfoDialog, page_data,
    use_announcer, use_session,
};
use crate::format::pretty;
use crate::rpc::{list_tasks, start_run, task_history};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use types::{FieldError, Problem, Role, Run, Task};

/// What the page loads: the tasks, the selected one, and its history.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Starter {
    tasks: Vec<Task>,
    task: Option<Task>,
    history: Vec<Run>,
}

#[component]
pub fn TaskStarterPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.read().get("task"));
    let resource = Resource::new(
        move || wanted.get(),
        |wanted| {
            page_data(async move {
                let tasks = list_tasks().await?;
                let task = wanted
                    .and_then(|wanted| tasks.iter().find(|task| task.path == wanted).cloned())
                    .or_else(|| tasks.first().cloned());
                let history = match &task {
                    Some(task) => task_history(task.path.clone()).await?,
                    None => Vec::new(),
                };
                Ok(Starter { tasks, task, history })
            })
        },
    );
    let info = InfoDialog::new();
    view! {
        <Page
            resource
            render=move |page: Starter| {
                let selected = page.task.as_ref().map(|task| task.path.clone());
                view! {
                    <div class="starter">
                        <TaskList tasks=page.tasks selected/>
                        {match page.task {
                            Some(task) => view! { <TaskPanel task history=page.history info/> }.into_any(),
                            None => view! { <p class="empty">"No tasks are configured."</p> }.into_any(),
                        }}
                    </div>
                    <RunInfoDialog dialog=info/>
                }
            }
        />
    }
}

#[component]
fn TaskList(tasks: Vec<Task>, selected: Option<String>) -> impl IntoView {
    let search = RwSignal::new(String::new());
    view! {
        <aside class="task-list">
            <label for="task-search" class="visually-hidden">
                "Search tasks"
            </label>
            <input
                id="task-search"
                type="search"
                placeholder="Search tasks"
                prop:value=move || search.get()
                on:input:target=move |event| search.set(event.target().value())
            />
            <nav aria-label="Tasks">
                <ul>
                    {tasks
                        .into_iter()
                        .map(|task| {
                            let haystack = format!("{} {}", task.path, task.description).to_lowercase();
                            let path = task.path.clone();
                            let current = (selected.as_deref() == Some(path.as_str())).then_some("page");
                            view! {
                                <li hidden=move || !haystack.contains(&search.get().trim().to_lowercase())>
                                    <a href=format!("/?task={}", crate::components::encode_query(&task.path)) aria-current=current>
                                        <span class="task-path">{task.path.clone()}</span>
                                        <span class=format!("tag tag-{}", task.kind.as_str())>{task.kind.as_str()}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </aside>
    }
}

#[component]
fn TaskPanel(task: Task, history: Vec<Run>, info: InfoDialog) -> impl IntoView {
    let session = use_session();
    let announcer = use_announcer();
    let may_start = session.as_ref().is_some_and(|session| session.may(Role::Operator));
    let impersonate = session.and_then(|session| session.0.impersonate_user);
    let defaults = pretty(&task.default_arguments);
    let from_query = use_query_map()
        .get_untracked()
        .get("arguments")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|arguments| pretty(&arguments));
    let text = RwSignal::new(from_query.unwrap_or_else(|| defaults.clone()));
    let schema = task.arguments_schema.clone();
    let check = Memo::new(move |_| EditorCheck::new(&text.read(), &schema));
    let server_errors = RwSignal::new(Vec::<FieldError>::new());
    let problem = RwSignal::new(None::<Problem>);
    let live = LiveRuns::new();
    provide_context(RunActions {
        live,
        info,
        to_editor: Some(Callback::new(move |run: Run| {
            text.set(pretty(&run.arguments));
        })),
    });

    let path = task.path.clone();
    let start = Action::new(move |impersonate: &bool| {
        let (task, arguments, impersonate) = (path.clone(), text.get_untracked(), *impersonate);
        async move { start_run(task, arguments, impersonate).await }
    });
    Effect::new(move |_| {
        let Some(outcome) = start.value().get() else {
            return;
        };
        match outcome {
            Ok(run) => {
                problem.set(None);
                server_errors.set(Vec::new());
                live.add(run);
                announcer.say("Started.");
            }
            Err(error) => {
                server_errors.set(error.errors.clone());
                problem.set(Some(error));
            }
        }
    });
    let on_start = move |impersonate: bool| {
        if !check.get_untracked().is_valid() {
            problem.set(None);
            announcer.say("The arguments need fixing first; nothing was started.");
            #[cfg(feature = "hydrate")]
            crate::browser::focus("arguments");
            return;
        }
        start.dispatch(impersonate);
    };
    let facts = [
        Some(format!("{} task", task.kind.as_str())),
        Some(format!("keeps {} runs", task.history_limit)),
        task.timeout_ms.map(|timeout| format!("stopped after {}", crate::format::duration(timeout))),
        (task.max_attempts > 1).then(|| format!("up to {} attempts", task.max_attempts)),
    ];
    let external = task.kind == types::TaskKind::External;
    view! {
        <section class="task-panel" aria-labelledby="task-title">
            <h1 id="task-title">{task.path.clone()}</h1>
            <p class="description">{task.description.clone()}</p>
            <p class="facts">{facts.into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
            {if external {
                view! {
                    <p class="note">
                        "Another system runs this task and reports its runs to "
                        <code>"POST /api/v1/runs"</code>
                        "; they show in the history below."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <JsonEditor text defaults check server_errors/>
                    {may_start
                        .then(|| {
                            view! {
                                <div class="start-buttons">
                                    <button
                                        type="button"
                                        class="button-primary"
                                        disabled=move || start.pending().get()
                                        on:click=move |_| on_start(false)
                                    >
                                        "Start task as logged in user"
                                    </button>
                                    {impersonate
                                        .map(|user| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="button-secondary"
                                                    disabled=move || start.pending().get()
                                                    on:click=move |_| on_start(true)
                                                >
                                                    {format!("Start task as user {user}")}
                                                </button>
                                            }
                                        })}
                                </div>
                            }
                        })}
                    {move || {
                        problem.get().filter(|problem| problem.errors.is_empty()).map(|problem| view! { <ProblemNotice problem/> })
                    }}
                }
                    .into_any()
            }}
            <History task base=history live/>
        </section>
    }
}
