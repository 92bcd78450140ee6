//! The audit log: appending entries, reading them newest first (keyset
//! paging on the id, which grows with time), and deleting those past
//! their retention. Nothing here updates an entry.

use super::batch::{self, Column, Kind};
use super::error::{StoreError, unreadable};
use crate::clock::{now_micros, to_rfc3339};
use crate::db::entities::audit_events;
use crate::db::{Db, statement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait, Value,
};
use types::{Actor, ActorKind, AuditAction, AuditEvent};

/// An entry to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub actor: Actor,
    pub as_user: Option<String>,
    pub action: AuditAction,
    pub target: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub detail: Option<serde_json::Value>,
}

const COLUMNS: [Column; 9] = [
    ("at", Kind::BigInt),
    ("actor_kind", Kind::Text),
    ("actor_name", Kind::Text),
    ("as_user", Kind::Text),
    ("action", Kind::Text),
    ("target", Kind::Text),
    ("address", Kind::Text),
    ("user_agent", Kind::Text),
    ("detail", Kind::Text),
];

/// Appends `events`, stamped now, in one transaction of their own.
pub async fn append_audit(db: &Db, events: &[NewAuditEvent]) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let transaction = db.write.begin().await?;
    append_rows(db, &transaction, events).await?;
    transaction.commit().await?;
    Ok(())
}

/// Appends `events`, stamped now, inside the caller's transaction (a start
/// and its entry are committed together), in statements of a fixed text
/// however many there are.
pub async fn append_rows(
    db: &Db,
    connection: &impl ConnectionTrait,
    events: &[NewAuditEvent],
) -> Result<(), StoreError> {
    let at = now_micros();
    let rows: Vec<Vec<Value>> = events
        .iter()
        .map(|event| {
            vec![
                at.into(),
                event.actor.kind.as_str().into(),
                event.actor.name.clone().into(),
                event.as_user.clone().into(),
                event.action.as_str().into(),
                event.target.clone().into(),
                event.address.clone().into(),
                event.user_agent.clone().into(),
                event.detail.as_ref().map(ToString::to_string).into(),
            ]
        })
        .collect();
    batch::insert(db.backend, connection, "audit_events", &COLUMNS, &rows).await?;
    Ok(())
}

/// What the audit log is filtered by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    /// Who acted, or whom a start ran as.
    pub actor: Option<String>,
    pub target: Option<String>,
    /// Microseconds: at or after.
    pub since: Option<i64>,
    /// Microseconds: before.
    pub until: Option<i64>,
    /// Only entries with a smaller id.
    pub before: Option<i64>,
    pub limit: u32,
}

/// A page of the audit log, newest first, and the id to continue before.
pub async fn list_audit(db: &Db, query: &AuditQuery) -> Result<(Vec<AuditEvent>, Option<i64>), StoreError> {
    let mut select = audit_events::Entity::find();
    if let Some(action) = query.action {
        select = select.filter(audit_events::Column::Action.eq(action.as_str()));
    }
    if let Some(actor) = &query.actor {
        select = select.filter(
            Condition::any()
                .add(audit_events::Column::ActorName.eq(actor.as_str()))
                .add(audit_events::Column::AsUser.eq(actor.as_str())),
        );
    }
    if let Some(target) = &query.target {
        select = select.filter(audit_events::Column::Target.eq(target.as_str()));
    }
    if let Some(since) = query.since {
        select = select.filter(audit_events::Column::At.gte(since));
    }
    if let Some(until) = query.until {
        select = select.filter(audit_events::Column::At.lt(until));
    }
    if let Some(before) = query.before {
        select = select.filter(audit_events::Column::Id.lt(before));
    }
    let limit = query.limit as usize;
    let mut rows =
        select.order_by_desc(audit_events::Column::Id).limit(u64::from(query.limit) + 1).all(&db.read).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more { rows.last().map(|last| last.id) } else { None };
    Ok((rows.into_iter().map(shown).collect::<Result<_, _>>()?, next))
}

/// Deletes entries older than `keep_micros` (notifications by their own
/// retention); returns how many went.
pub async fn trim_audit(db: &Db, keep_micros: i64, notifications_keep_micros: i64) -> Result<u64, StoreError> {
    let now = now_micros();
    let notifications = [AuditAction::NotificationSent, AuditAction::NotificationFailed];
    let list = notifications.iter().map(|action| format!("'{}'", action.as_str())).collect::<Vec<_>>().join(", ");
    let mut deleted = 0;
    for (keep, condition) in [(keep_micros, "NOT IN"), (notifications_keep_micros, "IN")] {
        let sql = format!("DELETE FROM audit_events WHERE at < $1 AND action {condition} ({list})");
        let done = db.write.execute_raw(statement(db.backend, &sql, vec![now.saturating_sub(keep).into()])).await?;
        deleted += done.rows_affected();
    }
    Ok(deleted)
}

fn shown(row: audit_events::Model) -> Result<AuditEvent, StoreError> {
    let id = row.id;
    let kind = ActorKind::parse(&row.actor_kind)
        .ok_or_else(|| unreadable("audit_events", id, "actor_kind", &row.actor_kind))?;
    let action =
        AuditAction::parse(&row.action).ok_or_else(|| unreadable("audit_events", id, "action", &row.action))?;
    let detail = row
        .detail
        .map(|text| serde_json::from_str(&text).map_err(|error| unreadable("audit_events", id, "detail", error)))
        .transpose()?;
    Ok(AuditEvent {
        id,
        at: to_rfc3339(row.at),
        actor: Actor { kind, name: row.actor_name },
        as_user: row.as_user,
        action,
        target: row.target,
        address: row.address,
        user_agent: row.user_agent,
        detail,
    })
}
