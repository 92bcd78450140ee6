//! What was typed, kept per task: in the page's state (so it survives the
//! panel being made anew when the page's data reloads) and in the tab's
//! `sessionStorage` (so it survives a refresh). "Reset to defaults" is the
//! one way to drop a draft.

use leptos::prelude::*;
use std::collections::HashMap;

/// The drafts of one page, by task path.
#[derive(Clone, Copy)]
pub struct Drafts(RwSignal<HashMap<String, String>>);

impl Drafts {
    pub fn new() -> Drafts {
        Drafts(RwSignal::new(HashMap::new()))
    }

    /// The task's draft in this page (the same on the server and in the
    /// browser, so the page hydrates what it was sent).
    pub fn get(self, task: &str) -> Option<String> {
        self.0.with_untracked(|drafts| drafts.get(task).cloned())
    }

    /// The task's draft from before a refresh, kept by the tab.
    #[cfg(feature = "hydrate")]
    pub fn restored(self, task: &str) -> Option<String> {
        self.get(task).or_else(|| crate::browser::kept(crate::browser::Kept::ForTab, &key(task)))
    }

    /// Keeps `text` as the task's draft.
    pub fn keep(self, task: &str, text: &str) {
        self.0.update_untracked(|drafts| {
            drafts.insert(task.to_owned(), text.to_owned());
        });
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForTab, &key(task), Some(text));
    }

    /// Drops the task's draft.
    pub fn drop_draft(self, task: &str) {
        self.0.update_untracked(|drafts| {
            drafts.remove(task);
        });
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForTab, &key(task), None);
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}

#[cfg(feature = "hydrate")]
fn key(task: &str) -> String {
    format!("task-starter.draft.{task}")
}
