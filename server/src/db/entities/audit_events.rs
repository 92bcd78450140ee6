//! The `audit_events` table: the audit log, appended and never updated.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_name: String,
    pub as_user: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// A JSON object as text.
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
