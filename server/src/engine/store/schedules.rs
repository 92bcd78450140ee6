//! The shared state of cron schedules. Firing a tick is a compare-and-set on
//! `next_fire_at` in the same transaction as the run's insert, so each tick
//! fires exactly once however many schedulers race for it.

use super::error::{StoreError, unreadable};
use super::insert::insert_rows;
use super::notify_work;
use crate::clock::to_rfc3339;
use crate::config::ScheduleConfig;
use crate::db::entities::schedules;
use crate::db::{Db, insertable, statement};
use crate::engine::cron::Cron;
use crate::engine::run::NewRun;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait, sea_query::OnConflict,
};
use serde_json::Value;
use types::{RunId, Schedule};

/// A schedule's row, read.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSchedule {
    pub name: String,
    pub task: String,
    pub cron: String,
    pub arguments: Value,
    pub paused: bool,
    pub next_fire_at: Option<i64>,
    pub last_fired_at: Option<i64>,
    pub last_run: Option<RunId>,
}

impl StoredSchedule {
    fn read(row: schedules::Model) -> Result<StoredSchedule, StoreError> {
        let arguments = serde_json::from_str(&row.arguments)
            .map_err(|error| unreadable("schedules", &row.name, "arguments", error))?;
        Ok(StoredSchedule {
            name: row.name,
            task: row.task,
            cron: row.cron,
            arguments,
            paused: row.paused,
            next_fire_at: row.next_fire_at,
            last_fired_at: row.last_fired_at,
            last_run: row.last_run_id.map(RunId),
        })
    }

    /// The schedule as the API shows it.
    pub fn to_schedule(&self) -> Schedule {
        Schedule {
            name: self.name.clone(),
            task: self.task.clone(),
            cron: self.cron.clone(),
            arguments: self.arguments.clone(),
            paused: self.paused,
            next_fire_at: if self.paused { None } else { self.next_fire_at.map(to_rfc3339) },
            last_fired_at: self.last_fired_at.map(to_rfc3339),
            last_run: self.last_run,
        }
    }
}

/// Makes the table match the config: adds new schedules (paused if the
/// config says so), updates changed ones, removes those no longer configured.
pub async fn sync_schedules(db: &Db, configured: &[ScheduleConfig], now: i64) -> Result<(), StoreError> {
    let transaction = db.write.begin().await?;
    for schedule in configured {
        let next = Cron::parse(&schedule.cron).ok().and_then(|cron| cron.next_after(now));
        let arguments = schedule.arguments.to_string();
        let row = schedules::Model {
            name: schedule.name.clone(),
            task: schedule.task.clone(),
            cron: schedule.cron.clone(),
            arguments: arguments.clone(),
            paused: schedule.paused,
            next_fire_at: next,
            last_fired_at: None,
            last_run_id: None,
        };
        let inserted = schedules::Entity::insert(insertable::<schedules::ActiveModel, _>(row))
            .on_conflict(OnConflict::column(schedules::Column::Name).do_nothing().to_owned())
            .exec_without_returning(&transaction)
            .await;
        match inserted {
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(error) => return Err(error.into()),
        }
        // A changed cron starts afresh from now; an unchanged one keeps its tick.
        transaction
            .execute_raw(statement(
                db.backend,
                "UPDATE schedules SET next_fire_at = CASE WHEN cron = $1 AND next_fire_at IS NOT NULL \
                 THEN next_fire_at ELSE $2 END, task = $3, cron = $1, arguments = $4 WHERE name = $5",
                vec![
                    schedule.cron.clone().into(),
                    next.into(),
                    schedule.task.clone().into(),
                    arguments.into(),
                    schedule.name.clone().into(),
                ],
            ))
            .await?;
    }
    let names: Vec<String> = configured.iter().map(|schedule| schedule.name.clone()).collect();
    schedules::Entity::delete_many().filter(schedules::Column::Name.is_not_in(names)).exec(&transaction).await?;
    transaction.commit().await?;
    Ok(())
}

/// Every schedule, by name.
pub async fn list_schedules(db: &Db) -> Result<Vec<StoredSchedule>, StoreError> {
    let rows = schedules::Entity::find().order_by_asc(schedules::Column::Name).all(&db.read).await?;
    rows.into_iter().map(StoredSchedule::read).collect()
}

pub async fn find_schedule(db: &Db, name: &str) -> Result<Option<StoredSchedule>, StoreError> {
    schedules::Entity::find_by_id(name.to_owned()).one(&db.read).await?.map(StoredSchedule::read).transpose()
}

/// Schedules whose tick is due.
pub async fn due_schedules(db: &Db, now: i64) -> Result<Vec<StoredSchedule>, StoreError> {
    let rows = schedules::Entity::find()
        .filter(schedules::Column::Paused.eq(false))
        .filter(schedules::Column::NextFireAt.lte(now))
        .all(&db.read)
        .await?;
    rows.into_iter().map(StoredSchedule::read).collect()
}

/// The next tick of any running schedule.
pub async fn next_tick(db: &Db) -> Result<Option<i64>, StoreError> {
    let next = schedules::Entity::find()
        .filter(schedules::Column::Paused.eq(false))
        .filter(schedules::Column::NextFireAt.is_not_null())
        .order_by_asc(schedules::Column::NextFireAt)
        .one(&db.read)
        .await?;
    Ok(next.and_then(|schedule| schedule.next_fire_at))
}

/// Fires the tick `tick` of `name` with `run`, unless another scheduler did.
/// Returns whether this call fired it.
pub async fn fire_tick(db: &Db, name: &str, tick: i64, next: Option<i64>, run: &NewRun) -> Result<bool, StoreError> {
    let transaction = db.write.begin().await?;
    let claimed = transaction
        .execute_raw(statement(
            db.backend,
            "UPDATE schedules SET next_fire_at = $1, last_fired_at = $2, last_run_id = $3 \
             WHERE name = $4 AND next_fire_at = $2 AND paused = FALSE",
            vec![next.into(), tick.into(), run.id.0.into(), name.into()],
        ))
        .await?
        .rows_affected()
        == 1;
    if !claimed {
        transaction.rollback().await?;
        return Ok(false);
    }
    insert_rows(db, &transaction, std::slice::from_ref(run)).await?;
    notify_work(db, &transaction).await?;
    transaction.commit().await?;
    Ok(true)
}

/// Pauses or resumes; a resumed schedule's next tick is the first after `now`.
pub async fn set_paused(db: &Db, name: &str, paused: bool, next: Option<i64>) -> Result<bool, StoreError> {
    let changed = db
        .write
        .execute_raw(statement(
            db.backend,
            "UPDATE schedules SET paused = $1, next_fire_at = CASE WHEN $1 THEN next_fire_at ELSE $2 END WHERE name = $3",
            vec![paused.into(), next.into(), name.into()],
        ))
        .await?;
    Ok(changed.rows_affected() == 1)
}

/// Records a "run now" as the schedule's last run.
pub async fn record_run_now(db: &Db, name: &str, run: RunId) -> Result<(), StoreError> {
    db.write
        .execute_raw(statement(
            db.backend,
            "UPDATE schedules SET last_run_id = $1 WHERE name = $2",
            vec![run.0.into(), name.into()],
        ))
        .await?;
    Ok(())
}
