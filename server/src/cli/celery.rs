//! `task-starter celery tasks`: asks the Celery workers which tasks they
//! have (the `registered` broadcast) and prints each with whether it is
//! declared here, then the declared tasks that no worker has.

use super::CliError;
use crate::engine::catalog::Runner;
use crate::engine::celery::Broker;
use crate::runtime::Runtime;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long workers get to answer.
const REPLIES_WITHIN: Duration = Duration::from_secs(2);

pub async fn tasks(runtime: &Runtime) -> Result<(), CliError> {
    let celery = &runtime.config.celery;
    let Some(url) = &celery.broker_url else {
        return Err(CliError::Usage("no Celery broker is configured: set [celery] broker_url".to_owned()));
    };
    let broker = Broker::new(url, &celery.key_prefix, Duration::from_secs(5))
        .map_err(|error| CliError::Usage(format!("celery.broker_url: {error}")))?;
    let workers = broker.registered(REPLIES_WITHIN).await.map_err(|error| CliError::Usage(error.to_string()))?;
    let catalog = runtime.engine.catalog();
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (worker, tasks) in &workers {
        for task in tasks {
            seen.entry(task.as_str()).or_default().push(worker.as_str());
        }
    }
    println!("{} worker(s) answered.", workers.len());
    for (name, on) in &seen {
        let declared = match catalog.celery_task(name) {
            Some((task, _)) => format!("declared as {}", task.info.path),
            None => "not declared".to_owned(),
        };
        println!("{name}\t{declared}\t({} worker(s))", on.len());
    }
    for task in catalog.list() {
        if let Runner::Celery(celery) = &task.runner
            && !seen.contains_key(celery.name.as_str())
        {
            println!("{}\tdeclared as {}, but no worker has it", celery.name, task.info.path);
        }
    }
    Ok(())
}
