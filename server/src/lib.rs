//! Task Starter as a library: an admin console and JSON API for starting
//! background tasks with arguments and watching their history live.
//!
//! The binary is `cli::main(tasks::builtin())`; a team with its own tasks
//! calls `cli::main` with its own registry (see `examples/custom_tasks.rs`).

// The console's view types (from `app`) nest deeply.
#![recursion_limit = "256"]
// The workspace allows long functions for Leptos's views; the server has none.
#![warn(clippy::too_many_lines)]

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod engine;
pub mod fingerprint;
pub mod heap;
pub mod metrics;
pub mod outbound;
pub mod runtime;
pub mod service;
pub mod tasks;
pub mod web;

pub use engine::{TaskContext, TaskDefinition, TaskError, TaskFailure, TaskRegistry};
