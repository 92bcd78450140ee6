//! The scheduler: each tick fires exactly once, however many schedulers
//! share the database; schedules pause, resume and run on demand.

use crate::common::{Database, TestApp, admin, test_config, viewer};
use crate::on_both_databases;
use sea_orm::ConnectionTrait;
use task_starter::config::{Config, ScheduleConfig};
use task_starter::db::statement;
use types::{ActorKind, Origin};

fn with_schedule(cron: &str) -> Config {
    let mut config = test_config();
    config.schedules.push(ScheduleConfig {
        name: "every-second".to_owned(),
        task: "examples.tasks.dummy_task".to_owned(),
        cron: cron.to_owned(),
        arguments: serde_json::json!({"number": 1}),
        run_as: Some("batch".to_owned()),
        paused: false,
    });
    config
}

on_both_databases!(each_tick_fires_once_with_two_schedulers, |database: Database| async move {
    let app = TestApp::with_config(database, with_schedule("0 0 1 1 *"), false).await;
    let scheduler = app.runtime.engine.spawn_scheduler(&app.runtime.config.schedules).await.unwrap();
    scheduler.stop().await;
    let (other, _) = app.second(with_schedule("0 0 1 1 *"), false);
    let db = &app.test_db.db;
    for tick in 1..=5_i64 {
        // Make the tick due now, then let both schedulers race for it.
        let due = task_starter::clock::now_micros() - tick * 1_000_000;
        db.write
            .execute_raw(statement(db.backend, "UPDATE schedules SET next_fire_at = $1", vec![due.into()]))
            .await
            .unwrap();
        let (mine, theirs) = tokio::join!(app.runtime.engine.fire_due_schedules(), other.engine.fire_due_schedules());
        assert_eq!(mine.unwrap() + theirs.unwrap(), 1, "tick {tick} fired exactly once");
    }
    let runs = app.service().history(&admin(), "examples.tasks.dummy_task").await.unwrap();
    assert_eq!(runs.len(), 5);
    for run in &runs {
        assert_eq!((run.origin, run.started_by.kind), (Origin::Schedule, ActorKind::Schedule));
        assert_eq!((run.started_by.name.as_str(), run.run_as.as_deref()), ("every-second", Some("batch")));
        assert_eq!(run.arguments, serde_json::json!({"number": 1}));
    }
});

on_both_databases!(a_running_scheduler_fires_every_second, |database: Database| async move {
    let app = TestApp::with_config(database, with_schedule("* * * * * *"), true).await;
    let scheduler = app.runtime.engine.spawn_scheduler(&app.runtime.config.schedules).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.count_runs("examples.tasks.dummy_task").await < 2 {
        assert!(tokio::time::Instant::now() < deadline, "the scheduler did not fire");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    scheduler.stop().await;
    let listed = app.service().schedules(&viewer()).await.unwrap();
    assert!(listed[0].last_run.is_some() && listed[0].last_fired_at.is_some());
});

on_both_databases!(schedules_pause_resume_and_run_now, |database: Database| async move {
    let app = TestApp::with_config(database, with_schedule("0 0 1 1 *"), false).await;
    app.runtime.engine.spawn_scheduler(&app.runtime.config.schedules).await.unwrap().stop().await;
    let paused = app.service().set_schedule_paused(&admin(), "every-second", true).await.unwrap();
    assert!(paused.paused && paused.next_fire_at.is_none());
    let refused = app.service().set_schedule_paused(&viewer(), "every-second", false).await;
    assert!(refused.is_err(), "viewers cannot resume");
    let resumed = app.service().set_schedule_paused(&admin(), "every-second", false).await.unwrap();
    assert!(!resumed.paused && resumed.next_fire_at.is_some());

    let run = app.service().run_schedule_now(&admin(), "every-second").await.unwrap();
    assert_eq!((run.origin, run.started_by.name.as_str()), (Origin::Schedule, "ada"));
    let schedules = app.service().schedules(&admin()).await.unwrap();
    assert_eq!(schedules[0].last_run, Some(run.id));
    assert!(app.service().run_schedule_now(&admin(), "nope").await.is_err());
});
