//! The audit log as the API and the console show it: who did what, as
//! whom, when and from where.

use super::Actor;
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// What was done.
    pub enum AuditAction {
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        SignOut = "sign_out",
        Start = "start",
        /// A start as the impersonation user.
        StartAs = "start_as",
        Rerun = "rerun",
        Cancel = "cancel",
        BulkCancel = "bulk_cancel",
        BulkRerun = "bulk_rerun",
        /// A run started elsewhere, registered here.
        Register = "register",
        /// An external run's report of its state.
        Report = "report",
        SchedulePause = "schedule_pause",
        ScheduleResume = "schedule_resume",
        ScheduleRunNow = "schedule_run_now",
        PresetCreate = "preset_create",
        PresetChange = "preset_change",
        PresetDelete = "preset_delete",
        UserAdd = "user_add",
        UserDelete = "user_delete",
        TokenCreate = "token_create",
        TokenRevoke = "token_revoke",
        /// A failure notification was delivered.
        NotificationSent = "notification_sent",
        /// A failure notification could not be delivered, after every retry.
        NotificationFailed = "notification_failed",
    }
}

impl AuditAction {
    /// Whether this records a notification (kept for their own time).
    pub fn is_notification(self) -> bool {
        matches!(self, AuditAction::NotificationSent | AuditAction::NotificationFailed)
    }
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: Actor,
    /// The user a start ran as, when not the actor.
    pub as_user: Option<String>,
    pub action: AuditAction,
    /// What was acted on: a run id, a task path, a schedule, user or token name.
    pub target: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// Details: the arguments of a start, a change's before and after, counts.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub detail: Option<serde_json::Value>,
}

/// `{"events": [...]}`, newest first, with the cursor of the next page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditList {
    pub events: Vec<AuditEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<String>,
}

/// `GET /api/v1/audit?action=&actor=&target=&since=&until=&limit=&before=`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    #[serde(default)]
    pub action: Option<AuditAction>,
    /// The name of the user or token that acted, or that a start ran as.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(max_length = 200, pattern = "^[^\\u0000]*$"))]
    pub actor: Option<String>,
    /// A run id, task path, schedule, user or token name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(max_length = 200, pattern = "^[^\\u0000]*$"))]
    pub target: Option<String>,
    /// At or after this time (RFC 3339).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        param(
            max_length = 40,
            pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?$"
        )
    )]
    pub since: Option<String>,
    /// Before this time (RFC 3339).
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        param(
            max_length = 40,
            pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?$"
        )
    )]
    pub until: Option<String>,
    /// Entries per page (1 to 200, default 50).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
    /// The `next_before` of the previous page.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub before: Option<String>,
}
