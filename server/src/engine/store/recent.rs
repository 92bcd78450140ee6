//! A task's recent arguments: the distinct argument sets of its history,
//! newest first, and of the runs already trimmed from it (kept, a few per
//! task, when the history cap deletes their runs).

use super::error::StoreError;
use crate::clock::to_rfc3339;
use crate::db::entities::{recent_arguments, runs};
use crate::db::{Backend, Db, statement};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;
use std::collections::HashSet;
use types::RecentArguments;

/// How many argument sets are kept per task beside its history.
pub const KEPT_PER_TASK: usize = 10;

/// The task's last `limit` distinct argument sets, newest first.
pub async fn recent_arguments(db: &Db, task: &str, limit: usize) -> Result<Vec<RecentArguments>, StoreError> {
    let lookback = u64::try_from(limit * 5).unwrap_or(u64::MAX);
    let in_history: Vec<(String, i64)> = runs::Entity::find()
        .select_only()
        .column(runs::Column::Arguments)
        .column(runs::Column::CreatedAt)
        .filter(runs::Column::Task.eq(task))
        .order_by_desc(runs::Column::CreatedAt)
        .limit(lookback)
        .into_tuple()
        .all(&db.read)
        .await?;
    let kept: Vec<(String, i64)> = recent_arguments::Entity::find()
        .select_only()
        .column(recent_arguments::Column::Arguments)
        .column(recent_arguments::Column::UsedAt)
        .filter(recent_arguments::Column::Task.eq(task))
        .order_by_desc(recent_arguments::Column::UsedAt)
        .into_tuple()
        .all(&db.read)
        .await?;
    let mut all: Vec<(String, i64)> = in_history.into_iter().chain(kept).collect();
    all.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
    let mut seen = HashSet::new();
    let mut recent = Vec::new();
    for (text, at) in all {
        // A row that cannot be read is skipped here: it is no one's recent input.
        let Ok(arguments) = serde_json::from_str::<Value>(&text) else { continue };
        if seen.insert(canonical(&arguments)) {
            recent.push(RecentArguments { arguments, used_at: to_rfc3339(at) });
            if recent.len() == limit {
                break;
            }
        }
    }
    Ok(recent)
}

/// Keeps the argument sets of runs leaving `task`'s history (inside the
/// trim's transaction), then only the newest [`KEPT_PER_TASK`].
pub async fn keep_arguments(
    backend: Backend,
    connection: &impl ConnectionTrait,
    task: &str,
    leaving: &[(String, i64)],
) -> Result<(), StoreError> {
    if leaving.is_empty() {
        return Ok(());
    }
    let mut newest: Vec<(String, String, i64)> = Vec::new();
    for (text, at) in leaving {
        let Ok(arguments) = serde_json::from_str::<Value>(text) else { continue };
        let fingerprint = crate::fingerprint::sha256_hex(&canonical(&arguments));
        match newest.iter_mut().find(|(known, _, _)| *known == fingerprint) {
            Some(entry) => entry.2 = entry.2.max(*at),
            None => newest.push((fingerprint, text.clone(), *at)),
        }
    }
    newest.sort_by_key(|(_, _, at)| std::cmp::Reverse(*at));
    newest.truncate(KEPT_PER_TASK);
    // One statement for all of them: the fingerprints are distinct, so no
    // row is touched twice by the upsert.
    let rows = newest.into_iter().map(|(fingerprint, arguments, used_at)| recent_arguments::ActiveModel {
        task: sea_orm::ActiveValue::Set(task.to_owned()),
        fingerprint: sea_orm::ActiveValue::Set(fingerprint),
        arguments: sea_orm::ActiveValue::Set(arguments),
        used_at: sea_orm::ActiveValue::Set(used_at),
    });
    recent_arguments::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([recent_arguments::Column::Task, recent_arguments::Column::Fingerprint])
                .update_column(recent_arguments::Column::UsedAt)
                .to_owned(),
        )
        .exec_without_returning(connection)
        .await?;
    // The count is written into the statement: SQLite prepares a statement
    // with a bound `LIMIT` again at every execution (see `read::history`).
    let sql = format!(
        "DELETE FROM recent_arguments WHERE task = $1 AND fingerprint NOT IN \
         (SELECT fingerprint FROM recent_arguments WHERE task = $1 ORDER BY used_at DESC LIMIT {KEPT_PER_TASK})"
    );
    connection.execute_raw(statement(backend, &sql, vec![task.into()])).await?;
    Ok(())
}

/// JSON with every object's keys in order, so that equal values are equal text.
pub fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(members) => {
                let mut pairs: Vec<(&String, &Value)> = members.iter().collect();
                pairs.sort_by(|left, right| left.0.cmp(right.0));
                Value::Object(pairs.into_iter().map(|(key, value)| (key.clone(), sorted(value))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::canonical;
    use serde_json::json;

    #[test]
    fn equal_values_have_equal_canonical_text() {
        assert_eq!(canonical(&json!({"b": 1, "a": {"d": 2, "c": [3]}})), r#"{"a":{"c":[3],"d":2},"b":1}"#);
    }
}
