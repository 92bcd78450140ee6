//! The console's building blocks, grouped by what they show.

mod action_menu;
mod arguments_form;
mod badge;
mod calls;
mod editor;
mod history;
mod layout;
mod live;
mod problem;
mod role_select;
mod run_info;
mod run_menu;
mod run_row;
mod selection;
mod session;
mod start;
mod time;

pub use action_menu::{ActionMenu, MenuItem};
pub use arguments_form::ArgumentsForm;
pub use badge::StateBadge;
pub use calls::{copy_and_announce, page_origin, spawn_call};
pub use editor::{EditorCheck, JsonEditor, shown_errors};
pub use history::{History, LiveRuns, RunsTable};
pub use layout::{Layout, Page, PageData, page_data};
pub use live::keep_polling;
pub use problem::ProblemNotice;
pub use role_select::RoleSelect;
pub use run_info::{AttemptsTable, InfoDialog, LogList, RunFields, RunInfoDialog};
pub use run_menu::{RunActions, RunMenu};
pub use run_row::{RunRow, encode_query};
pub use selection::{RunSelection, SelectAllCell, SelectRunCell};
pub use session::{Announcer, Session, use_announcer, use_session};
pub use start::{DraftKey, Drafts, ReplaceDraftDialog, StartPanel, StartPanelData, same_arguments};
pub use time::{Time, TimeZone, TimeZoneSwitch, use_time_zone};
