//! The console's port to the server: the trait the server functions call,
//! which the server implements over its service layer and provides as
//! context, so that this crate (and the wasm) never sees the database.

use std::sync::Arc;
use types::{
    ApiToken, AuditFilter, AuditList, BulkOutcome, BulkRequest, CreatedToken, NewPreset, NewToken, NewUser, Preset,
    PresetChange, Principal, Problem, RecentArguments, RequestFrom, Run, RunDetail, RunFilter, RunId, RunList,
    Schedule, SessionInfo, StartRequest, Task, User,
};

/// Who is asking, as the server's middleware resolved it. It sits in the
/// request's extensions; server functions read it from there. Its `Debug`
/// shows neither the CSRF token nor the session's key.
#[derive(Clone, PartialEq, Eq)]
pub struct Caller {
    pub principal: Principal,
    /// The session's CSRF token (browser sessions only).
    pub csrf_token: Option<String>,
    /// The session's key, to sign out with (browser sessions only).
    pub session_key: Option<String>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller").field("principal", &self.principal).finish_non_exhaustive()
    }
}

/// The client (address, user agent), put in the request's extensions by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestClient(pub RequestFrom);

/// What the console's server functions can ask of the server.
#[async_trait::async_trait]
pub trait ServerPort: Send + Sync + 'static {
    /// The signed-in user's view of their session.
    fn session_info(&self, caller: &Caller) -> SessionInfo;
    /// Checks the name and password; returns the `Set-Cookie` header value.
    async fn sign_in(&self, name: &str, password: &str, from: &RequestFrom) -> Result<String, Problem>;
    /// Ends the session; returns the `Set-Cookie` header value that clears it.
    async fn sign_out(&self, caller: &Caller) -> Result<String, Problem>;

    async fn tasks(&self, principal: &Principal) -> Result<Vec<Task>, Problem>;
    async fn start(&self, principal: &Principal, task: &str, request: StartRequest) -> Result<Run, Problem>;
    async fn history(&self, principal: &Principal, task: &str) -> Result<Vec<Run>, Problem>;
    async fn runs(&self, principal: &Principal, ids: &[RunId]) -> Result<Vec<Run>, Problem>;
    async fn run_detail(&self, principal: &Principal, id: RunId) -> Result<RunDetail, Problem>;
    async fn rerun(&self, principal: &Principal, id: RunId) -> Result<Run, Problem>;
    async fn cancel(&self, principal: &Principal, id: RunId) -> Result<Run, Problem>;
    async fn list_runs(&self, principal: &Principal, filter: &RunFilter) -> Result<RunList, Problem>;
    async fn bulk(&self, principal: &Principal, request: BulkRequest) -> Result<BulkOutcome, Problem>;
    async fn audit_log(&self, principal: &Principal, filter: &AuditFilter) -> Result<AuditList, Problem>;

    async fn presets(&self, principal: &Principal, task: &str) -> Result<Vec<Preset>, Problem>;
    async fn create_preset(&self, principal: &Principal, task: &str, preset: NewPreset) -> Result<Preset, Problem>;
    async fn change_preset(
        &self,
        principal: &Principal,
        task: &str,
        id: &str,
        change: PresetChange,
    ) -> Result<Preset, Problem>;
    async fn delete_preset(&self, principal: &Principal, task: &str, id: &str) -> Result<(), Problem>;
    async fn recent_arguments(&self, principal: &Principal, task: &str) -> Result<Vec<RecentArguments>, Problem>;

    async fn schedules(&self, principal: &Principal) -> Result<Vec<Schedule>, Problem>;
    async fn set_schedule_paused(&self, principal: &Principal, name: &str, paused: bool) -> Result<Schedule, Problem>;
    async fn run_schedule_now(&self, principal: &Principal, name: &str) -> Result<Run, Problem>;

    async fn users(&self, principal: &Principal) -> Result<Vec<User>, Problem>;
    async fn add_user(&self, principal: &Principal, user: NewUser) -> Result<User, Problem>;
    async fn delete_user(&self, principal: &Principal, name: &str) -> Result<(), Problem>;
    async fn tokens(&self, principal: &Principal) -> Result<Vec<ApiToken>, Problem>;
    async fn create_token(&self, principal: &Principal, token: NewToken) -> Result<CreatedToken, Problem>;
    async fn revoke_token(&self, principal: &Principal, id: &str) -> Result<ApiToken, Problem>;
}

/// The port as the server provides it.
pub type SharedPort = Arc<dyn ServerPort>;
