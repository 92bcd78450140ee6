//! Presets (named sets of a task's arguments, shared by everyone who can see
//! the task) and a task's recent arguments.

use serde::{Deserialize, Serialize};

/// A named set of arguments of one task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preset {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub id: String,
    /// The task's dotted path.
    pub task: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /api/v1/tasks/{path}/presets`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPreset {
    /// 1 to 100 characters, unique per task.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "^[^\\u0000-\\u001f\\u007f]+$")
    )]
    pub name: String,
    /// They must fit the task's schema.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
}

/// `PATCH /api/v1/tasks/{path}/presets/{id}`: a new name, new arguments, or both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PresetChange {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = "^[^\\u0000-\\u001f\\u007f]+$")
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub arguments: Option<serde_json::Value>,
}

/// `{"presets": [...]}`, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresetList {
    pub presets: Vec<Preset>,
}

/// A set of arguments a task was started with lately.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentArguments {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub arguments: serde_json::Value,
    /// When a run last used them.
    pub used_at: String,
}

/// `{"recent": [...]}`, newest first, each set once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentList {
    pub recent: Vec<RecentArguments>,
}
