//! SeaORM entities: the tables as Rust types. API types live in `app`; the
//! conversions between the two are in `service::convert`.

pub mod api_tokens;
pub mod run_attempts;
pub mod run_logs;
pub mod runs;
pub mod schedules;
pub mod sessions;
pub mod users;
