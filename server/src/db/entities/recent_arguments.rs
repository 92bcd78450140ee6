//! The `recent_arguments` table: each task's last distinct argument sets,
//! kept when their runs leave the history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recent_arguments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub fingerprint: String,
    /// The arguments as JSON text.
    pub arguments: String,
    pub used_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
