//! The Task starter: the configured tasks with search; the selected one's
//! description, its start panel (form or JSON, presets, recent arguments,
//! drafts) and its live history. The address carries the task and,
//! optionally, arguments to fill in (`/?task=…&arguments=…`), so a link
//! gives a colleague the same form; a draft of the user's that says
//! something else is replaced only if they say so.

use crate::components::{
    DraftKey, Drafts, History, InfoDialog, LiveRuns, Page, ReplaceDraftDialog, RunActions, RunInfoDialog, StartPanel,
    StartPanelData, page_data, use_session,
};
use crate::format::pretty;
use crate::rpc::{list_presets, list_recent_arguments, list_tasks, task_history};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use types::{Run, RunId, Task};

/// What the page loads: the tasks, the selected one, its history, and its
/// presets and recent arguments.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Starter {
    tasks: Vec<Task>,
    task: Option<Task>,
    history: Vec<Run>,
    panel: StartPanelData,
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
                let (history, panel) = match &task {
                    Some(task) => {
                        let path = task.path.clone();
                        let (history, presets, recent) = futures::join!(
                            task_history(path.clone()),
                            list_presets(path.clone()),
                            list_recent_arguments(path)
                        );
                        (history?, StartPanelData { presets: presets?, recent: recent? })
                    }
                    None => (Vec::new(), StartPanelData::default()),
                };
                Ok(Starter { tasks, task, history, panel })
            })
        },
    );
    let info = InfoDialog::new();
    // Drafts outlive the panel, which is made anew whenever the page's data reloads.
    provide_context(Drafts::new());
    view! {
        <Page
            resource
            render=move |page: Starter| {
                let selected = page.task.as_ref().map(|task| task.path.clone());
                view! {
                    <div class="starter">
                        <TaskList tasks=page.tasks selected/>
                        {match page.task {
                            Some(task) => view! { <TaskPanel task history=page.history panel=page.panel info/> }.into_any(),
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
                                        {task.no_worker.then(|| view! {
                                            <span class="tag tag-no-worker" title="No Celery worker that answered has this task">"no worker"</span>
                                        })}
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
fn TaskPanel(task: Task, history: Vec<Run>, panel: StartPanelData, info: InfoDialog) -> impl IntoView {
    let drafts = expect_context::<Drafts>();
    let user = use_session().map(|session| session.0.user).unwrap_or_default();
    let key = DraftKey::new(&user, &task.path);
    let defaults = pretty(&task.default_arguments);
    let query = use_query_map().get_untracked();
    let linked = query
        .get("arguments")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .map(|arguments| pretty(&arguments));
    let linked_rerun = query.get("rerun_of").and_then(|id| id.parse::<RunId>().ok());
    let initial = linked.clone().or_else(|| drafts.get(&key)).unwrap_or_else(|| defaults.clone());
    let text = RwSignal::new(initial);
    let rerun_of = RwSignal::new(linked_rerun);
    let edit = {
        let key = key.clone();
        Callback::new(move |new: String| {
            drafts.keep(&key, &new);
            text.set(new);
        })
    };
    // A link's arguments become the draft, unless the user had another
    // draft of this task: then they are asked first.
    let asking = RwSignal::new(None::<String>);
    let replace = {
        let (key, linked) = (key.clone(), linked.clone().unwrap_or_default());
        Callback::new(move |()| drafts.keep(&key, &linked))
    };
    let keep = Callback::new(move |draft: String| {
        rerun_of.set(None);
        text.set(draft);
    });
    // In the browser: the tab's draft from before a refresh, and an address
    // that no longer fills in arguments (they are the draft now, or the
    // user kept theirs).
    #[cfg(feature = "hydrate")]
    {
        use crate::components::same_arguments;
        let (key, path, defaults) = (key.clone(), task.path.clone(), defaults.clone());
        Effect::new(move |_| {
            let draft = drafts.restored(&key);
            match &linked {
                Some(linked) => {
                    crate::browser::replace_address(&format!("/?task={}", crate::components::encode_query(&path)));
                    let other =
                        draft.filter(|draft| !same_arguments(draft, linked) && !same_arguments(draft, &defaults));
                    match other {
                        Some(draft) => asking.set(Some(draft)),
                        None => drafts.keep(&key, linked),
                    }
                }
                None => {
                    if let Some(draft) = draft.filter(|draft| *draft != text.get_untracked()) {
                        text.set(draft);
                    }
                }
            }
        });
    }
    let reset = Callback::new(move |()| {
        drafts.drop_draft(&key);
        rerun_of.set(None);
        text.set(defaults.clone());
    });
    let live = LiveRuns::new();
    provide_context(RunActions {
        live,
        info,
        to_editor: Some(Callback::new(move |run: Run| edit.run(pretty(&run.arguments)))),
        edit_again: Some(Callback::new(move |run: Run| {
            edit.run(pretty(&run.arguments));
            rerun_of.set(Some(run.id));
        })),
    });
    let external = task.kind == types::TaskKind::External;
    view! {
        <section class="task-panel" aria-labelledby="task-title">
            <TaskFacts task=task.clone()/>
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
                view! { <StartPanel task=task.clone() data=panel text edit reset rerun_of live/> }.into_any()
            }}
            <History task base=history live/>
            <ReplaceDraftDialog asking replace keep/>
        </section>
    }
}

/// The task's path, description and settings.
#[component]
fn TaskFacts(task: Task) -> impl IntoView {
    let facts = [
        Some(format!("{} task", task.kind.as_str())),
        Some(format!("keeps {} runs", task.history_limit)),
        task.timeout_ms.map(|timeout| format!("stopped after {}", crate::format::duration(timeout))),
        (task.max_attempts > 1).then(|| format!("up to {} attempts", task.max_attempts)),
    ];
    view! {
        <h1 id="task-title">{task.path.clone()}</h1>
        <p class="description">{task.description.clone()}</p>
        <p class="facts">{facts.into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
    }
}
