//! Presets: named sets of a task's arguments, unique by name per task.

use super::error::{StoreError, unreadable};
use crate::clock::{now_micros, to_rfc3339};
use crate::db::entities::presets;
use crate::db::{Db, insertable};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use serde_json::Value;
use types::Preset;
use uuid::Uuid;

/// What became of a write that must keep names unique.
#[derive(Debug)]
pub enum Written<T> {
    Done(T),
    /// Another preset of the task has that name.
    NameTaken,
    NotFound,
}

/// The task's presets, by name.
pub async fn list_presets(db: &Db, task: &str) -> Result<Vec<Preset>, StoreError> {
    let rows = presets::Entity::find()
        .filter(presets::Column::Task.eq(task))
        .order_by_asc(presets::Column::Name)
        .all(&db.read)
        .await?;
    rows.into_iter().map(shown).collect()
}

/// Preset `id` of `task`.
pub async fn find_preset(db: &Db, task: &str, id: Uuid) -> Result<Option<Preset>, StoreError> {
    let row = presets::Entity::find_by_id(id).filter(presets::Column::Task.eq(task)).one(&db.read).await?;
    row.map(shown).transpose()
}

/// Saves a new preset.
pub async fn insert_preset(
    db: &Db,
    task: &str,
    name: &str,
    arguments: &Value,
    created_by: &str,
) -> Result<Written<Preset>, StoreError> {
    let now = now_micros();
    let row = presets::Model {
        id: Uuid::now_v7(),
        task: task.to_owned(),
        name: name.to_owned(),
        arguments: arguments.to_string(),
        created_by: created_by.to_owned(),
        created_at: now,
        updated_at: now,
    };
    match presets::Entity::insert(insertable::<presets::ActiveModel, _>(row.clone()))
        .exec_without_returning(&db.write)
        .await
    {
        Ok(_) => Ok(Written::Done(shown(row)?)),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(Written::NameTaken),
        Err(error) => Err(error.into()),
    }
}

/// Renames preset `id` of `task`, gives it new arguments, or both.
pub async fn update_preset(
    db: &Db,
    task: &str,
    id: Uuid,
    name: Option<&str>,
    arguments: Option<&Value>,
) -> Result<Written<Preset>, StoreError> {
    let mut update = presets::Entity::update_many()
        .col_expr(presets::Column::UpdatedAt, Expr::value(now_micros()))
        .filter(presets::Column::Id.eq(id))
        .filter(presets::Column::Task.eq(task));
    if let Some(name) = name {
        update = update.col_expr(presets::Column::Name, Expr::value(name));
    }
    if let Some(arguments) = arguments {
        update = update.col_expr(presets::Column::Arguments, Expr::value(arguments.to_string()));
    }
    match update.exec(&db.write).await {
        Ok(result) if result.rows_affected == 0 => Ok(Written::NotFound),
        Ok(_) => Ok(find_preset(db, task, id).await?.map_or(Written::NotFound, Written::Done)),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(Written::NameTaken),
        Err(error) => Err(error.into()),
    }
}

/// Deletes preset `id` of `task`; false when there was none.
pub async fn delete_preset(db: &Db, task: &str, id: Uuid) -> Result<bool, StoreError> {
    let deleted = presets::Entity::delete_many()
        .filter(presets::Column::Id.eq(id))
        .filter(presets::Column::Task.eq(task))
        .exec(&db.write)
        .await?;
    Ok(deleted.rows_affected > 0)
}

fn shown(row: presets::Model) -> Result<Preset, StoreError> {
    let arguments =
        serde_json::from_str(&row.arguments).map_err(|error| unreadable("presets", row.id, "arguments", error))?;
    Ok(Preset {
        id: row.id.to_string(),
        task: row.task,
        name: row.name,
        arguments,
        created_by: row.created_by,
        created_at: to_rfc3339(row.created_at),
        updated_at: to_rfc3339(row.updated_at),
    })
}
