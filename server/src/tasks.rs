//! The tasks shipped with Task Starter, one a file, registered in one list.

mod countdown;
mod dummy_task;
mod example_task;
mod failing_task;
mod send_report;
mod webhook;

use crate::engine::TaskRegistry;

/// Every built-in task.
pub fn builtin() -> TaskRegistry {
    TaskRegistry::new()
        .register(example_task::definition())
        .register(dummy_task::definition())
        .register(failing_task::definition())
        .register(countdown::definition())
        .register(send_report::definition())
        .register(webhook::definition())
}
