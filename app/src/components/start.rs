//! Starting a task from its page: the arguments, edited as a form made from
//! the task's schema or as JSON (the same value either way), kept as a
//! draft per user and task (a link's arguments replace it only when the
//! user says so); presets and recent arguments that fill them in; "edit
//! and run again" linking the next start to an earlier run; and the start
//! buttons.

mod buttons;
mod drafts;
mod mode;
mod panel;
mod presets;
mod recent;
mod replace_draft;

pub use drafts::{DraftKey, Drafts, same_arguments};
pub use panel::{StartPanel, StartPanelData};
pub use replace_draft::ReplaceDraftDialog;

/// Forgets what `user` kept in this browser (drafts, the editor's mode):
/// done at sign-out, so the next user of the browser starts clean.
#[cfg(feature = "hydrate")]
pub fn forget_user(user: &str) {
    drafts::forget_drafts(user);
    mode::forget_choice(user);
}
