//! The `schedules` table: the shared state of the config's cron schedules.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub task: String,
    pub cron: String,
    pub arguments: String,
    pub paused: bool,
    pub next_fire_at: Option<i64>,
    pub last_fired_at: Option<i64>,
    pub last_run_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
