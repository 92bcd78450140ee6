//! The start panel of a task: the editing mode and its tools, the form or
//! the JSON editor, presets, recent arguments, the link to the run being
//! edited again, and the start buttons. Every change to the arguments goes
//! through one `edit` callback, which also keeps the draft.

use super::buttons::StartButtons;
use super::mode::{Mode, ModeSwitch, remembered};
use super::presets::PresetBar;
use super::recent::RecentInputs;
use crate::components::{
    ArgumentsForm, EditorCheck, JsonEditor, LiveRuns, ProblemNotice, shown_errors, spawn_call, use_announcer,
    use_session,
};
use crate::format::pretty;
use crate::rpc::start_run;
use leptos::prelude::*;
use serde_json::Value;
use types::schema::form::form_of;
use types::{FieldError, Preset, Problem, RecentArguments, Role, RunAs, RunId, StartRequest, Task};

/// What the page loads for the panel beside the task.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, Default)]
pub struct StartPanelData {
    pub presets: Vec<Preset>,
    pub recent: Vec<RecentArguments>,
}

#[component]
pub fn StartPanel(
    task: Task,
    data: StartPanelData,
    /// The arguments' text (the one source of truth of both editors).
    text: RwSignal<String>,
    /// Changes the text (and keeps the draft).
    edit: Callback<String>,
    /// Drops the draft and puts the defaults back.
    reset: Callback<()>,
    /// The run the next start is linked to ("edit and run again").
    rerun_of: RwSignal<Option<RunId>>,
    live: LiveRuns,
) -> impl IntoView {
    let announcer = use_announcer();
    let session = use_session();
    let user = session.as_ref().map(|session| session.0.user.clone()).unwrap_or_default();
    let may_edit_presets = session.as_ref().is_some_and(|session| session.may(Role::Operator));
    let schema = task.arguments_schema.clone();
    let form = form_of(&schema);
    let form_available = form.is_ok();
    let mode = remembered(&user);
    // Patterns are checked once hydrated, so the first render matches the server's.
    let hydrated = crate::hydrated();
    let check = Memo::new(move |_| EditorCheck::new(&text.read(), &schema, crate::patterns(hydrated.get())));
    let value = Memo::new(move |_| serde_json::from_str::<Value>(&text.read()).ok());
    let server_errors = RwSignal::new(Vec::<FieldError>::new());
    let errors = Signal::derive(move || shown_errors(&check.read(), &server_errors.read()));
    let problem = RwSignal::new(None::<Problem>);
    let (presets, recent) = (RwSignal::new(data.presets), RwSignal::new(data.recent));
    let typed = Callback::new(move |new: String| {
        server_errors.set(Vec::new());
        edit.run(new);
    });
    let fill = Callback::new(move |arguments: Value| typed.run(pretty(&arguments)));

    let path = task.path.clone();
    let busy = RwSignal::new(false);
    let on_start = Callback::new(move |run_as: RunAs| {
        let EditorCheck::Valid(arguments) = check.get_untracked() else {
            problem.set(None);
            announcer.say("The arguments need fixing first; nothing was started.");
            #[cfg(feature = "hydrate")]
            if mode.get_untracked() == Mode::Json || !form_available {
                crate::browser::focus("arguments");
            } else {
                crate::browser::focus_first_invalid("arguments-form");
            }
            return;
        };
        let request = StartRequest { arguments: arguments.clone(), run_as, rerun_of: rerun_of.get_untracked() };
        busy.set(true);
        let started = start_run(path.clone(), request);
        spawn_call(problem, started, move |run| {
            busy.set(false);
            server_errors.set(Vec::new());
            rerun_of.set(None);
            recent.update(|recent| {
                recent.retain(|entry| entry.arguments != arguments);
                recent.insert(0, RecentArguments { arguments, used_at: run.created_at.clone() });
            });
            live.add(run);
            announcer.say("Started.");
        });
    });
    // A refused start shows its field errors beside the fields.
    Effect::new(move |_| {
        if let Some(refused) = problem.get() {
            busy.set(false);
            server_errors.set(refused.errors);
        }
    });
    let form = StoredValue::new(form);
    view! {
        <div class="start-panel">
            <div class="editor-bar">
                <ModeSwitch mode user form_available/>
                <Show when=move || mode.get() == Mode::Json || !form_available>
                    <button
                        type="button"
                        class="button-quiet"
                        disabled=move || value.with(Option::is_none)
                        on:click=move |_| {
                            if let Some(value) = value.get_untracked() {
                                typed.run(pretty(&value));
                            }
                        }
                    >
                        "Format"
                    </button>
                </Show>
                <button type="button" class="button-quiet" on:click=move |_| { server_errors.set(Vec::new()); reset.run(()); }>
                    "Reset to defaults"
                </button>
            </div>
            {move || {
                form.with_value(|form| match form {
                    Err(why) if mode.get() == Mode::Form => {
                        Some(view! { <p class="note">{format!("This task's arguments have no form ({why}); edit them as JSON.")}</p> })
                    }
                    _ => None,
                })
            }}
            {move || {
                let as_form = mode.get() == Mode::Form;
                match form.get_value() {
                    Ok(field) if as_form => view! {
                        <ArgumentsForm field value=value.into() errors write=fill/>
                    }
                        .into_any(),
                    _ => view! { <JsonEditor text on_edit=typed errors/> }.into_any(),
                }
            }}
            {move || rerun_of.get().map(|original| {
                let short = original.short();
                view! {
                    <p class="note rerun-link" role="status">
                        {format!("The next start is linked to run {short}, whose arguments you are editing. ")}
                        <button type="button" class="button-quiet" on:click=move |_| rerun_of.set(None)>"Unlink"</button>
                    </p>
                }
            })}
            <StartButtons on_start busy=busy.into()/>
            {move || problem.get().filter(|problem| problem.errors.is_empty()).map(|problem| view! { <ProblemNotice problem/> })}
            <PresetBar task=task.path.clone() presets current=Signal::derive(move || check.with(|check| match check {
                EditorCheck::Valid(value) => Some(value.clone()),
                _ => None,
            })) fill may_edit=may_edit_presets/>
            <RecentInputs recent fill/>
        </div>
    }
}
