//! The `runs` table: the queue and the history at once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub task: String,
    /// The arguments as JSON text.
    pub arguments: String,
    pub state: String,
    pub result: Option<String>,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
    pub started_by_kind: String,
    pub started_by_name: String,
    pub run_as: Option<String>,
    pub origin: String,
    pub rerun_of: Option<Uuid>,
    pub attempt: i32,
    pub max_attempts: i32,
    pub progress_fraction: Option<f64>,
    pub progress_message: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub run_after: i64,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub cancel_requested: bool,
    pub track_fingerprint: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
