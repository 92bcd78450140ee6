//! `serve` (web server, workers and scheduler in one process) and `worker`
//! (a worker pool only), both stopping gracefully on Ctrl-C or SIGTERM.

use super::CliError;
use crate::runtime::Runtime;
use crate::web;
use std::time::Duration;

pub async fn serve(runtime: Runtime) -> Result<(), CliError> {
    let password = std::env::var("TASK_STARTER_ADMIN_PASSWORD").ok().filter(|password| !password.is_empty());
    let first_admin = runtime
        .service
        .accounts()
        .ensure_first_admin(password.as_deref())
        .await
        .map_err(crate::service::ServiceError::from)?;
    spawn_helpers(&runtime);
    let workers = runtime.engine.spawn_workers();
    let scheduler =
        runtime.engine.spawn_scheduler(&runtime.config.schedules).await.map_err(crate::service::ServiceError::from)?;
    let purge = tokio::spawn(housekeeping(runtime.clone()));
    let trimmer = crate::heap::spawn_trimmer(runtime.metrics.clone(), runtime.engine.db().clone());

    let listener = tokio::net::TcpListener::bind(runtime.config.listen).await.map_err(|error| {
        CliError::Usage(format!("cannot listen on {} (listen / TASK_STARTER_LISTEN): {error}", runtime.config.listen))
    })?;
    let address = listener.local_addr()?;
    let url = match &runtime.config.public_url {
        Some(url) => url.clone(),
        None => format!("http://{address}"),
    };
    println!("Task Starter is running at {url}");
    if let Some(password) = first_admin {
        if std::env::var("TASK_STARTER_ADMIN_PASSWORD").is_err() {
            println!("First start: sign in as \"admin\" with this one-time password (it is not shown again):");
            println!("    {password}");
        } else {
            println!("First start: the admin user was created with TASK_STARTER_ADMIN_PASSWORD.");
        }
    }
    let app = web::router(&runtime);
    web::listener::serve(listener, app, &runtime.config.http, shutdown_signal()).await;
    tracing::info!("stopping: finishing or re-queueing running tasks");
    purge.abort();
    trimmer.abort();
    scheduler.stop().await;
    workers.shutdown().await;
    runtime.engine.stop_notifier().await;
    Ok(())
}

pub async fn worker(runtime: Runtime) -> Result<(), CliError> {
    spawn_helpers(&runtime);
    let workers = runtime.engine.spawn_workers();
    let trimmer = crate::heap::spawn_trimmer(runtime.metrics.clone(), runtime.engine.db().clone());
    println!("Worker {} is running.", runtime.engine.worker_id());
    shutdown_signal().await;
    tracing::info!("stopping: finishing or re-queueing running tasks");
    trimmer.abort();
    workers.shutdown().await;
    runtime.engine.stop_notifier().await;
    Ok(())
}

/// Failure notifications for the runs that end in this process, the
/// delivery of the outbox's messages, and the Celery runner.
fn spawn_helpers(runtime: &Runtime) {
    if let Err(error) = runtime.engine.spawn_notifier(&runtime.config) {
        tracing::error!(%error, "cannot send notifications");
    }
    spawn_celery(runtime);
}

/// The Celery runner, when `[celery]` names a broker; its runs wait in the
/// queue (and say why in the log) when it cannot start.
pub fn spawn_celery(runtime: &Runtime) {
    if let Err(error) = runtime.engine.spawn_celery(&runtime.config.celery) {
        tracing::error!(%error, "cannot start the Celery runner; Celery runs stay pending");
    }
}

/// Every hour: deletes expired sessions, and audit entries past their retention.
async fn housekeeping(runtime: Runtime) {
    loop {
        if let Err(error) = runtime.service.accounts().purge_expired_sessions().await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        match runtime.service.trim_audit().await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "deleted audit entries past their retention"),
            Err(error) => tracing::warn!(%error, "could not trim the audit log"),
        }
        tokio::time::sleep(Duration::from_hours(1)).await;
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let Ok(mut terminate) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            let _ = interrupt.await;
            return;
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
