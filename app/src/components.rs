//! The console's building blocks, grouped by what they show.

mod action_menu;
mod badge;
mod editor;
mod history;
mod layout;
mod live;
mod problem;
mod role_select;
mod run_info;
mod run_row;
mod session;

pub use action_menu::ActionMenu;
pub use badge::StateBadge;
pub use editor::{EditorCheck, JsonEditor};
pub use history::{History, LiveRuns, RunsTable};
pub use layout::{Layout, Page, PageData, page_data};
pub use live::keep_polling;
pub use problem::ProblemNotice;
pub use role_select::RoleSelect;
pub use run_info::{InfoDialog, RunInfoDialog};
pub use run_row::{RunActions, RunRow, encode_query};
pub use session::{Announcer, Session, use_announcer, use_session};
