//! Schedules: each cron schedule with its next fire time and last run;
//! operators pause, resume and run them now.

use crate::components::{Page, ProblemNotice, page_data, spawn_call, use_announcer, use_session};
use crate::format;
use crate::rpc::{list_schedules, run_schedule_now, set_schedule_paused};
use leptos::prelude::*;
use types::{Problem, Role, Schedule};

#[component]
pub fn SchedulesPage() -> impl IntoView {
    let schedules = Resource::new(|| (), |()| page_data(list_schedules()));
    let announcer = use_announcer();
    let problem = RwSignal::new(None::<Problem>);
    let act = move |call: ScheduleCall| {
        let outcome = async move {
            match call {
                ScheduleCall::Pause(name) => set_schedule_paused(name, true).await.map(|_| "Paused.".to_owned()),
                ScheduleCall::Resume(name) => set_schedule_paused(name, false).await.map(|_| "Resumed.".to_owned()),
                ScheduleCall::RunNow(name) => {
                    run_schedule_now(name).await.map(|run| format!("Started run {}.", run.id))
                }
            }
        };
        spawn_call(problem, outcome, move |message| {
            announcer.say(message);
            schedules.refetch();
        });
    };
    view! {
        <Page
            resource=schedules
            render={move |list: Vec<Schedule>| {
                view! {
                    <section aria-labelledby="schedules-title">
                        <h1 id="schedules-title">"Schedules"</h1>
                        <p class="muted">"Schedules come from the config; each tick fires once, however many servers run."</p>
                        {move || problem.get().map(|problem| view! { <ProblemNotice problem/> })}
                        {if list.is_empty() {
                            view! { <p class="empty">"No schedules are configured."</p> }.into_any()
                        } else {
                            view! { <ScheduleTable list act/> }.into_any()
                        }}
                    </section>
                }
            }}
        />
    }
}

/// What a button on a schedule asks for.
#[derive(Clone)]
enum ScheduleCall {
    Pause(String),
    Resume(String),
    RunNow(String),
}

#[component]
fn ScheduleTable(list: Vec<Schedule>, act: impl Fn(ScheduleCall) + Copy + Send + Sync + 'static) -> impl IntoView {
    let operator = use_session().is_some_and(|session| session.may(Role::Operator));
    view! {
        <div class="table-scroll">
            <table class="schedules">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Task"</th>
                        <th scope="col">"Cron"</th>
                        <th scope="col">"Next fire"</th>
                        <th scope="col">"Last run"</th>
                        <th scope="col">"State"</th>
                        {operator.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|schedule| {
                            let (pause, resume, now) = (schedule.name.clone(), schedule.name.clone(), schedule.name.clone());
                            let paused = schedule.paused;
                            view! {
                                <tr data-schedule=schedule.name.clone()>
                                    <td>{schedule.name.clone()}</td>
                                    <td>
                                        <a href=format!("/?task={}", crate::components::encode_query(&schedule.task))>{schedule.task.clone()}</a>
                                    </td>
                                    <td><code>{schedule.cron.clone()}</code></td>
                                    <td>{schedule.next_fire_at.as_deref().map_or_else(|| "—".to_owned(), format::time)}</td>
                                    <td>
                                        {schedule.last_fired_at.as_deref().map_or_else(|| "never".to_owned(), format::time)}
                                    </td>
                                    <td>{if paused { "Paused" } else { "Running" }}</td>
                                    {operator.then(|| view! {
                                        <td class="row-buttons">
                                            {if paused {
                                                view! { <button type="button" class="button-secondary" on:click=move |_| act(ScheduleCall::Resume(resume.clone()))>"Resume"</button> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button-secondary" on:click=move |_| act(ScheduleCall::Pause(pause.clone()))>"Pause"</button> }.into_any()
                                            }}
                                            <button type="button" class="button-secondary" on:click=move |_| act(ScheduleCall::RunNow(now.clone()))>"Run now"</button>
                                        </td>
                                    })}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
