//! Starting a task from its page: the arguments, edited as a form made from
//! the task's schema or as JSON (the same value either way), kept as a
//! draft per task; presets and recent arguments that fill them in; "edit
//! and run again" linking the next start to an earlier run; and the start
//! buttons.

mod buttons;
mod drafts;
mod mode;
mod panel;
mod presets;
mod recent;

pub use drafts::Drafts;
pub use panel::{StartPanel, StartPanelData};
