//! The bodies and query parameters that callers send.

use super::{RunError, RunId, RunState};
use serde::{Deserialize, Serialize};

crate::named_enum! {
    /// Whose name a started task runs under.
    #[derive(Default)]
    pub enum RunAs {
        /// The caller.
        #[default]
        Me = "me",
        /// The impersonation user set in the config.
        Impersonated = "impersonated",
    }
}

/// `POST /api/v1/tasks/{path}/runs`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// The task's arguments; `{}` when left out.
    #[serde(default = "empty_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    #[serde(default, rename = "as")]
    pub run_as: RunAs,
    /// A run of the same task whose arguments these were edited from: the
    /// new run is linked to it ("edit and run again").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rerun_of: Option<RunId>,
}

/// `POST /api/v1/runs`: a run that another system started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[^\\u0000]*$"))]
    pub task: String,
    /// The id the other system gave the run.
    pub id: RunId,
    #[serde(default = "empty_object")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    /// The state it is in now; `pending` when left out.
    #[serde(default)]
    pub state: Option<RunState>,
}

/// `PATCH /api/v1/runs/{id}`: an external run reports how it is doing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub state: RunState,
    /// What the run returned (no NUL characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[^\\u0000]*$"))]
    pub result: Option<String>,
    #[serde(default)]
    pub error: Option<RunError>,
}

/// The most run ids one batch status request (`GET /api/v1/runs?ids=`) may
/// ask for; the console splits larger polls into several requests.
pub const MAX_POLL_IDS: usize = 200;

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}
