//! Presets of a task's arguments, and its recent arguments.

use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};
use types::{NewPreset, Preset, PresetChange, Problem, RecentArguments};

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_presets(task: String) -> Result<Vec<Preset>, Problem> {
    server::call(|port, who| async move { port.presets(&who, &task).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn create_preset(task: String, preset: NewPreset) -> Result<Preset, Problem> {
    server::call(|port, who| async move { port.create_preset(&who, &task, preset).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn change_preset(task: String, id: String, change: PresetChange) -> Result<Preset, Problem> {
    server::call(|port, who| async move { port.change_preset(&who, &task, &id, change).await }).await
}

#[server(client = super::CsrfClient, input = Json)]
pub async fn delete_preset(task: String, id: String) -> Result<(), Problem> {
    server::call(|port, who| async move { port.delete_preset(&who, &task, &id).await }).await
}

#[server(client = super::CsrfClient, input = GetUrl)]
pub async fn list_recent_arguments(task: String) -> Result<Vec<RecentArguments>, Problem> {
    server::call(|port, who| async move { port.recent_arguments(&who, &task).await }).await
}

#[cfg(feature = "ssr")]
use super::server;
