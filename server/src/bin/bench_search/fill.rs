//! The bench's data: N finished runs, oldest first, one second apart,
//! across 200 tasks, started by 50 users and tokens (one in 20 run as an
//! impersonated user), of four origins (scheduled ones 1 in 100), with
//! arguments `{"customer": i % 5000, "region": …, "order": i}` and a result
//! or error text (`Order i for customer c shipped`, `Timeout after i ms`),
//! written as the finisher writes it.

use task_starter::clock::now_micros;
use task_starter::db::{Backend, Db};
use task_starter::engine::NewRun;
use task_starter::engine::store::insert_runs;
use types::{Actor, ActorKind, Origin, RunId, RunState};

pub const TASKS: usize = 200;
pub const CUSTOMERS: usize = 5000;
pub const PEOPLE: usize = 50;
const BATCH: usize = 5000;

/// Who started the i-th run.
pub fn starter(order: usize) -> String {
    format!("user{}", order % PEOPLE)
}

/// Where the i-th run came from.
pub fn origin(order: usize) -> Origin {
    match order % 100 {
        0 => Origin::Schedule,
        1..=9 => Origin::Ui,
        10..=14 => Origin::Rerun,
        _ => Origin::Api,
    }
}

/// Writes `runs` runs in batches, then their results.
pub async fn fill(db: &Db, runs: usize) -> Result<(), String> {
    let first = now_micros() - i64::try_from(runs).unwrap_or(i64::MAX) * 1_000_000;
    let regions = ["eu", "us", "apac"];
    let mut index = 0;
    while index < runs {
        let batch: Vec<NewRun> = (index..(index + BATCH).min(runs))
            .map(|order| {
                let at = first + i64::try_from(order).unwrap_or(0) * 1_000_000;
                let arguments = serde_json::json!({
                    "customer": order % CUSTOMERS,
                    "region": regions[order % regions.len()],
                    "order": order,
                });
                let actor = Actor { kind: ActorKind::User, name: starter(order) };
                let task = format!("bench.search.t{}", order % TASKS);
                let mut run = NewRun::pending(&task, arguments, actor, origin(order), 1);
                run.id = RunId(uuid::Uuid::now_v7());
                run.run_as = Some(if order % 20 == 0 { "batch".to_owned() } else { starter(order) });
                run.state = if order % 10 == 0 { RunState::Failure } else { RunState::Success };
                run.created_at = at;
                run.started_at = Some(at);
                run.finished_at = Some(at + 1000);
                run
            })
            .collect();
        insert_runs(db, &batch, &[]).await.map_err(|error| error.to_string())?;
        index += batch.len();
    }
    write_results(db).await
}

/// Results of successes and error messages of failures, in one statement
/// per kind (the text indexes follow these updates, as they follow the
/// finisher's).
async fn write_results(db: &Db) -> Result<(), String> {
    let (order, customer) = match db.backend {
        Backend::Sqlite => ("json_extract(arguments, '$.order')", "json_extract(arguments, '$.customer')"),
        Backend::Postgres => ("(arguments::jsonb ->> 'order')", "(arguments::jsonb ->> 'customer')"),
    };
    let statements = [
        format!(
            "UPDATE runs SET result = 'Order ' || {order} || ' for customer ' || {customer} || ' shipped' \
             WHERE state = 'success'"
        ),
        format!(
            "UPDATE runs SET error_kind = 'error', error_message = 'Timeout after ' || {order} || ' ms' \
             WHERE state = 'failure'"
        ),
    ];
    for sql in statements {
        sea_orm::ConnectionTrait::execute_unprepared(&db.write, &sql).await.map_err(|error| error.to_string())?;
    }
    Ok(())
}
