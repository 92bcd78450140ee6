//! SeaORM entities: the tables as Rust types, read and written only by the
//! layers that own them (the engine's store, the accounts), which hand the
//! rest of the server the API's types instead.

pub mod api_tokens;
pub mod audit_events;
pub mod presets;
pub mod recent_arguments;
pub mod run_attempts;
pub mod run_logs;
pub mod runs;
pub mod schedules;
pub mod sessions;
pub mod users;
