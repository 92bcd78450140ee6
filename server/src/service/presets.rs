//! Presets of a task's arguments: everyone who can see the task sees them;
//! operators and admins save, rename and delete them. A preset's arguments
//! must fit the task's schema, and its name is unique for the task.

use super::audit::Entry;
use super::{Service, ServiceError, require};
use crate::engine::store::{self, Written};
use serde_json::json;
use types::{AuditAction, NewPreset, Preset, PresetChange, Principal, RecentArguments, Role};
use uuid::Uuid;

/// The most presets one task keeps.
const MAX_PRESETS: usize = 200;
/// The most recent argument sets shown.
const RECENT: usize = 10;

impl Service {
    pub async fn presets(&self, principal: &Principal, path: &str) -> Result<Vec<Preset>, ServiceError> {
        require(principal, Role::Viewer)?;
        self.catalog_task(path)?;
        Ok(store::list_presets(self.engine.db(), path).await?)
    }

    pub async fn create_preset(
        &self,
        principal: &Principal,
        path: &str,
        preset: NewPreset,
    ) -> Result<Preset, ServiceError> {
        require(principal, Role::Operator)?;
        let task = self.catalog_task(path)?;
        let name = preset_name(&preset.name)?;
        let errors = task.check_arguments(&preset.arguments);
        if !errors.is_empty() {
            return Err(ServiceError::InvalidArguments(errors));
        }
        if store::list_presets(self.engine.db(), path).await?.len() >= MAX_PRESETS {
            return Err(ServiceError::Conflict(format!("{path} has {MAX_PRESETS} presets; delete one first.")));
        }
        match store::insert_preset(self.engine.db(), path, &name, &preset.arguments, &principal.name).await? {
            Written::Done(preset) => {
                let entry = Entry::on(path)
                    .detail(json!({ "preset": preset.id, "name": preset.name, "arguments": preset.arguments }));
                self.record(principal, AuditAction::PresetCreate, entry).await;
                Ok(preset)
            }
            Written::NameTaken | Written::NotFound => Err(name_taken(path, &name)),
        }
    }

    pub async fn change_preset(
        &self,
        principal: &Principal,
        path: &str,
        id: &str,
        change: PresetChange,
    ) -> Result<Preset, ServiceError> {
        require(principal, Role::Operator)?;
        let task = self.catalog_task(path)?;
        let id = preset_id(path, id)?;
        let name = change.name.as_deref().map(preset_name).transpose()?;
        if let Some(arguments) = &change.arguments {
            let errors = task.check_arguments(arguments);
            if !errors.is_empty() {
                return Err(ServiceError::InvalidArguments(errors));
            }
        }
        let before = store::find_preset(self.engine.db(), path, id).await?;
        match store::update_preset(self.engine.db(), path, id, name.as_deref(), change.arguments.as_ref()).await? {
            Written::Done(preset) => {
                self.record(
                    principal,
                    AuditAction::PresetChange,
                    Entry::on(path).detail(preset_diff(before.as_ref(), &preset)),
                )
                .await;
                Ok(preset)
            }
            Written::NameTaken => Err(name_taken(path, name.as_deref().unwrap_or_default())),
            Written::NotFound => Err(no_preset(path, id)),
        }
    }

    pub async fn delete_preset(&self, principal: &Principal, path: &str, id: &str) -> Result<(), ServiceError> {
        require(principal, Role::Operator)?;
        self.catalog_task(path)?;
        let id = preset_id(path, id)?;
        let before = store::find_preset(self.engine.db(), path, id).await?;
        if !store::delete_preset(self.engine.db(), path, id).await? {
            return Err(no_preset(path, id));
        }
        let removed = before.map(|preset| json!({ "name": preset.name, "arguments": preset.arguments }));
        let entry = Entry::on(path).detail(json!({ "preset": id, "before": removed }));
        self.record(principal, AuditAction::PresetDelete, entry).await;
        Ok(())
    }

    /// The task's last distinct argument sets, newest first (including those
    /// of runs already trimmed from its history).
    pub async fn recent_arguments(
        &self,
        principal: &Principal,
        path: &str,
    ) -> Result<Vec<RecentArguments>, ServiceError> {
        require(principal, Role::Viewer)?;
        self.catalog_task(path)?;
        Ok(store::recent_arguments(self.engine.db(), path, RECENT).await?)
    }
}

/// What a change did to a preset: the fields that differ, before and after.
fn preset_diff(before: Option<&Preset>, after: &Preset) -> serde_json::Value {
    let mut changed = serde_json::Map::new();
    let name_before = before.map(|preset| preset.name.as_str());
    if name_before != Some(after.name.as_str()) {
        changed.insert("name".to_owned(), json!({ "before": name_before, "after": after.name }));
    }
    let arguments_before = before.map(|preset| &preset.arguments);
    if arguments_before != Some(&after.arguments) {
        changed.insert("arguments".to_owned(), json!({ "before": arguments_before, "after": after.arguments }));
    }
    json!({ "preset": after.id, "changed": changed })
}

/// A preset's name, trimmed: 1 to 100 characters, no control characters.
fn preset_name(name: &str) -> Result<String, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ServiceError::Unprocessable(
            "A preset needs a name of 1 to 100 characters, without control characters.".to_owned(),
        ));
    }
    Ok(name.to_owned())
}

fn preset_id(path: &str, id: &str) -> Result<Uuid, ServiceError> {
    id.parse().map_err(|_| ServiceError::not_found(format_args!("preset {id:?} of {path}")))
}

fn no_preset(path: &str, id: Uuid) -> ServiceError {
    ServiceError::not_found(format_args!("preset {id} of {path}"))
}

fn name_taken(path: &str, name: &str) -> ServiceError {
    ServiceError::Conflict(format!("{path} already has a preset named {name:?}."))
}
