//! Presets: named sets of the task's arguments, shared by everyone who can
//! see the task. One click fills the editor; operators and admins save the
//! editor's arguments as a preset, rename one and delete one.

use crate::components::{ProblemNotice, spawn_call, use_announcer};
use crate::rpc::{change_preset, create_preset, delete_preset};
use leptos::prelude::*;
use serde_json::Value;
use types::{NewPreset, Preset, PresetChange, Problem};

#[component]
pub fn PresetBar(
    task: String,
    presets: RwSignal<Vec<Preset>>,
    /// The arguments a new preset gets (`None` while they do not fit).
    current: Signal<Option<Value>>,
    /// Fills the editor.
    fill: Callback<Value>,
    may_edit: bool,
) -> impl IntoView {
    let problem = RwSignal::new(None::<Problem>);
    let task = StoredValue::new(task);
    view! {
        <section class="presets" aria-labelledby="presets-title">
            <h2 id="presets-title" class="small-title">"Presets"</h2>
            <Show when=move || !presets.read().is_empty() fallback=|| view! { <p class="muted">"No presets yet."</p> }>
                <ul class="preset-list">
                    <For each=move || presets.get() key=|preset| (preset.id.clone(), preset.name.clone()) let:preset>
                        <PresetItem preset task=task.get_value() presets fill problem may_edit/>
                    </For>
                </ul>
            </Show>
            {may_edit.then(|| view! { <SavePreset task=task.get_value() presets current problem/> })}
            {move || problem.get().map(|problem| view! { <ProblemNotice problem/> })}
        </section>
    }
}

#[component]
fn PresetItem(
    preset: Preset,
    task: String,
    presets: RwSignal<Vec<Preset>>,
    fill: Callback<Value>,
    problem: RwSignal<Option<Problem>>,
    may_edit: bool,
) -> impl IntoView {
    let announcer = use_announcer();
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(preset.name.clone());
    let (id, name, arguments) = (preset.id.clone(), preset.name.clone(), preset.arguments.clone());
    let use_it = {
        let name = name.clone();
        move |_| {
            fill.run(arguments.clone());
            announcer.say(format!("Filled in the preset {name}."));
        }
    };
    let (rename_task, rename_id) = (task.clone(), id.clone());
    let rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let change = PresetChange { name: Some(new_name.get_untracked()), arguments: None };
        spawn_call(problem, change_preset(rename_task.clone(), rename_id.clone(), change), move |renamed| {
            presets.update(|presets| {
                if let Some(slot) = presets.iter_mut().find(|preset| preset.id == renamed.id) {
                    *slot = renamed;
                }
                presets.sort_by(|left, right| left.name.cmp(&right.name));
            });
            renaming.set(false);
            announcer.say("Renamed the preset.");
        });
    };
    let remove = {
        let (task, id, name) = (task.clone(), id.clone(), name.clone());
        move |_| {
            let (gone, name) = (id.clone(), name.clone());
            spawn_call(problem, delete_preset(task.clone(), id.clone()), move |()| {
                presets.update(|presets| presets.retain(|preset| preset.id != gone));
                announcer.say(format!("Deleted the preset {name}."));
            });
        }
    };
    let rename_id_attr = format!("rename-{id}");
    view! {
        <li class="preset">
            <Show
                when=move || renaming.get()
                fallback={
                    let (name, use_it, remove) = (name.clone(), use_it.clone(), remove.clone());
                    move || {
                        let (use_it, remove) = (use_it.clone(), remove.clone());
                        view! {
                            <button type="button" class="button-secondary preset-use" on:click=use_it>{name.clone()}</button>
                            {may_edit.then(|| view! {
                                <button type="button" class="button-quiet" aria-label=format!("Rename the preset {name}") on:click=move |_| renaming.set(true)>"Rename"</button>
                                <button type="button" class="button-quiet" aria-label=format!("Delete the preset {name}") on:click=remove.clone()>"Delete"</button>
                            })}
                        }
                    }
                }
            >
                <form class="inline-form" on:submit=rename.clone()>
                    <label for=rename_id_attr.clone() class="visually-hidden">"New name"</label>
                    <input id=rename_id_attr.clone() required maxlength="100" prop:value=move || new_name.get() on:input:target=move |event| new_name.set(event.target().value())/>
                    <button type="submit" class="button-secondary">"Save name"</button>
                    <button type="button" class="button-quiet" on:click=move |_| renaming.set(false)>"Cancel"</button>
                </form>
            </Show>
        </li>
    }
}

#[component]
fn SavePreset(
    task: String,
    presets: RwSignal<Vec<Preset>>,
    current: Signal<Option<Value>>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let announcer = use_announcer();
    let name = RwSignal::new(String::new());
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(arguments) = current.get_untracked() else {
            announcer.say("The arguments need fixing before they can be saved.");
            return;
        };
        let preset = NewPreset { name: name.get_untracked(), arguments };
        spawn_call(problem, create_preset(task.clone(), preset), move |saved| {
            let shown = saved.name.clone();
            presets.update(|presets| {
                presets.push(saved);
                presets.sort_by(|left, right| left.name.cmp(&right.name));
            });
            name.set(String::new());
            announcer.say(format!("Saved the preset {shown}."));
        });
    };
    view! {
        <form class="inline-form save-preset" on:submit=save>
            <label for="preset-name">"Save these arguments as "</label>
            <input id="preset-name" required maxlength="100" placeholder="a preset name" prop:value=move || name.get() on:input:target=move |event| name.set(event.target().value())/>
            <button type="submit" class="button-secondary" disabled=move || current.with(Option::is_none)>"Save preset"</button>
        </form>
    }
}
