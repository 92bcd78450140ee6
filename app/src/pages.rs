//! The pages of the console, one a file.

mod all_runs;
mod audit;
mod login;
mod not_found;
mod run;
mod schedules;
mod task_starter;
mod tokens;
mod users;

pub use all_runs::AllRunsPage;
pub use audit::AuditPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use run::RunPage;
pub use schedules::SchedulesPage;
pub use task_starter::TaskStarterPage;
pub use tokens::TokensPage;
pub use users::UsersPage;
