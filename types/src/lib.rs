//! The ground floor: the request and response types of the JSON API, the
//! states, roles and origins of runs, and problem documents, shared by the
//! engine, the service, the REST handlers, the server functions and the
//! browser. Nothing here knows of Leptos or of the database; the OpenAPI
//! schemas (`openapi`) and the server functions' error glue (`server-fn`)
//! are features.
//!
//! Timestamps travel as RFC 3339 UTC strings, so the browser needs no date
//! library to show them.

mod account;
mod audit;
mod names;
mod preset;
mod principal;
mod problem;
mod requests;
mod run;
mod schedule;
pub mod schema;
mod search;
mod task;

pub use account::{ApiToken, CreatedToken, NewToken, NewUser, User};
pub use audit::{AuditAction, AuditEvent, AuditFilter, AuditList};
pub use names::UnknownName;
pub use preset::{NewPreset, Preset, PresetChange, PresetList, RecentArguments, RecentList};
pub use principal::{ActorKind, Principal, RequestFrom, Role, SessionInfo};
pub use problem::{FieldError, Problem};
pub use requests::{MAX_POLL_IDS, ReportRequest, RunAs, StartRequest, TrackRequest};
pub use run::{Actor, Attempt, LogLine, Origin, Progress, Run, RunDetail, RunError, RunId, RunList, RunState};
pub use schedule::{Schedule, ScheduleList};
pub use search::{
    ArgumentMatch, BulkAction, BulkOutcome, BulkRequest, MAX_ARGUMENT_MATCHES, MAX_BULK_BODY_BYTES, MAX_BULK_RUNS,
    MAX_PAGE, MAX_SEARCH_TEXT, RunFilter, is_argument_key,
};
pub use task::{Task, TaskKind, TaskList};
