//! The audit log: every state-changing operation of this layer appends an
//! entry (who, as whom, from where, what); admins read it a page at a time.
//! A start's entry is committed with its run (neither is written without the
//! other). Any other entry that cannot be written is logged and the
//! operation stands: it has happened, and failing it now would only invite
//! a retry.

use super::filters::{page_limit, typed_time};
use super::{Service, ServiceError, require};
use crate::engine::NewRun;
use crate::engine::store::{self, AuditQuery, NewAuditEvent};
use types::{Actor, AuditAction, AuditFilter, AuditList, Principal, RequestFrom, Role};

/// What one entry says, besides who asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub target: Option<String>,
    pub as_user: Option<String>,
    pub detail: Option<serde_json::Value>,
}

impl Entry {
    pub fn on(target: impl ToString) -> Entry {
        Entry { target: Some(target.to_string()), ..Entry::default() }
    }

    pub fn detail(self, detail: serde_json::Value) -> Entry {
        Entry { detail: Some(detail), ..self }
    }
}

impl Service {
    /// Appends an entry for what `principal` just did.
    pub(super) async fn record(&self, principal: &Principal, action: AuditAction, entry: Entry) {
        let actor = Actor { kind: principal.kind, name: principal.name.clone() };
        self.record_as(actor, &principal.from, action, entry).await;
    }

    /// Appends an entry for an actor who is not (yet) a principal: a sign-in.
    pub(super) async fn record_as(&self, actor: Actor, from: &RequestFrom, action: AuditAction, entry: Entry) {
        self.append(vec![event(actor, from, action, entry)]).await;
    }

    /// The entry for what `principal` does, to be committed with the change it describes.
    pub(super) fn audit_event(principal: &Principal, action: AuditAction, entry: Entry) -> NewAuditEvent {
        let actor = Actor { kind: principal.kind, name: principal.name.clone() };
        event(actor, &principal.from, action, entry)
    }

    async fn append(&self, events: Vec<NewAuditEvent>) {
        if let Err(error) = store::append_audit(self.engine.db(), &events).await {
            tracing::error!(%error, "could not append to the audit log");
        }
    }

    /// The entries of runs about to start: `start`, `start_as` (as another
    /// user) or `rerun`, one per run; the engine commits each with its run.
    pub(super) fn start_entries(principal: &Principal, runs: &[NewRun]) -> Vec<NewAuditEvent> {
        runs.iter()
            .map(|run| {
                let action = match (run.origin, run.run_as.as_deref()) {
                    (types::Origin::Rerun | types::Origin::Bulk, _) => AuditAction::Rerun,
                    (_, Some(user)) if user != principal.name => AuditAction::StartAs,
                    _ => AuditAction::Start,
                };
                let mut detail = serde_json::json!({ "task": run.task });
                if let Some(original) = run.rerun_of {
                    detail["rerun_of"] = serde_json::Value::String(original.to_string());
                }
                let as_user = run.run_as.clone().filter(|user| *user != principal.name);
                let entry = Entry { as_user, ..Entry::on(run.id) }.detail(detail);
                let actor = Actor { kind: principal.kind, name: principal.name.clone() };
                event(actor, &principal.from, action, entry)
            })
            .collect()
    }

    /// A page of the audit log, newest first (admins only).
    pub async fn audit_log(&self, principal: &Principal, filter: &AuditFilter) -> Result<AuditList, ServiceError> {
        require(principal, Role::Admin)?;
        let limit = page_limit(filter.limit)?;
        let non_empty = |text: &Option<String>| text.clone().filter(|text| !text.trim().is_empty());
        let query = AuditQuery {
            action: filter.action,
            actor: non_empty(&filter.actor),
            target: non_empty(&filter.target),
            since: typed_time("since", non_empty(&filter.since))?,
            until: typed_time("until", non_empty(&filter.until))?,
            before: match non_empty(&filter.before) {
                Some(text) => Some(text.parse().map_err(|_| {
                    ServiceError::BadRequest("before is not a cursor from a previous page.".to_owned())
                })?),
                None => None,
            },
            limit,
        };
        let (events, next) = store::list_audit(self.engine.db(), &query).await?;
        Ok(AuditList { events, next_before: next.map(|id| id.to_string()) })
    }

    /// Deletes audit entries past their retention (`audit.keep`, and
    /// `notifications.keep` for deliveries).
    pub async fn trim_audit(&self) -> Result<u64, ServiceError> {
        let keep = crate::clock::micros(self.config.audit.keep.0);
        let notifications = crate::clock::micros(self.config.notifications.keep.0);
        Ok(store::trim_audit(self.engine.db(), keep, notifications).await?)
    }
}

fn event(actor: Actor, from: &RequestFrom, action: AuditAction, entry: Entry) -> NewAuditEvent {
    NewAuditEvent {
        actor,
        as_user: entry.as_user,
        action,
        target: entry.target,
        address: from.address.clone(),
        user_agent: from.user_agent.clone(),
        detail: entry.detail,
    }
}
