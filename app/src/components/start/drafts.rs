//! What was typed, kept per user and task: in the page's state (so it
//! survives the panel being made anew when the page's data reloads) and in
//! the tab's `sessionStorage` (so it survives a refresh). Keys hold the
//! user's name, so in a shared browser nobody sees another user's drafts;
//! "Reset to defaults" drops one draft, and signing out drops all of the
//! user's ([`forget_drafts`]).

use leptos::prelude::*;
use std::collections::HashMap;

/// Where one user's draft of one task is kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DraftKey(String);

impl DraftKey {
    pub fn new(user: &str, task: &str) -> DraftKey {
        DraftKey(format!("{}{task}", user_prefix(user)))
    }
}

/// `task-starter.draft.USER:`. A user's name holds no `:`, so no user's
/// prefix is the start of another's.
fn user_prefix(user: &str) -> String {
    format!("task-starter.draft.{user}:")
}

/// The drafts of one page.
#[derive(Clone, Copy)]
pub struct Drafts(RwSignal<HashMap<DraftKey, String>>);

impl Drafts {
    pub fn new() -> Drafts {
        Drafts(RwSignal::new(HashMap::new()))
    }

    /// The draft in this page (the same on the server and in the browser,
    /// so the page hydrates what it was sent).
    pub fn get(self, key: &DraftKey) -> Option<String> {
        self.0.with_untracked(|drafts| drafts.get(key).cloned())
    }

    /// The draft, from before a refresh too (kept by the tab).
    #[cfg(feature = "hydrate")]
    pub fn restored(self, key: &DraftKey) -> Option<String> {
        self.get(key).or_else(|| crate::browser::kept(crate::browser::Kept::ForTab, &key.0))
    }

    /// Keeps `text` as the draft.
    pub fn keep(self, key: &DraftKey, text: &str) {
        self.0.update_untracked(|drafts| {
            drafts.insert(key.clone(), text.to_owned());
        });
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForTab, &key.0, Some(text));
    }

    /// Drops the draft.
    pub fn drop_draft(self, key: &DraftKey) {
        self.0.update_untracked(|drafts| {
            drafts.remove(key);
        });
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForTab, &key.0, None);
    }
}

impl Default for Drafts {
    fn default() -> Self {
        Drafts::new()
    }
}

/// Forgets every draft `user` kept in this tab.
#[cfg(feature = "hydrate")]
pub fn forget_drafts(user: &str) {
    crate::browser::forget_all(crate::browser::Kept::ForTab, &user_prefix(user));
}

/// Whether a draft says the same as `other`: the same text, or the same
/// JSON value however it is laid out.
pub fn same_arguments(draft: &str, other: &str) -> bool {
    let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    draft == other || value(draft).is_some_and(|draft| Some(draft) == value(other))
}

#[cfg(test)]
mod tests {
    use super::{DraftKey, same_arguments, user_prefix};

    #[test]
    fn one_users_keys_never_start_with_anothers_prefix() {
        let DraftKey(ann) = DraftKey::new("ann", "examples.tasks.dummy_task");
        let DraftKey(ann_b) = DraftKey::new("ann.b", "examples.tasks.dummy_task");
        assert!(ann.starts_with(&user_prefix("ann")));
        assert!(!ann_b.starts_with(&user_prefix("ann")), "{ann_b}");
        assert_ne!(DraftKey::new("ann", "x"), DraftKey::new("bob", "x"));
    }

    #[test]
    fn arguments_laid_out_differently_are_the_same() {
        assert!(same_arguments("{\"a\": 1, \"b\": [2]}", "{\n  \"b\": [2],\n  \"a\": 1\n}"));
        assert!(!same_arguments("{\"a\": 1}", "{\"a\": 2}"));
        assert!(!same_arguments("{\"a\": 1", "{\"a\": 1}"), "a draft that is not JSON yet differs");
        assert!(same_arguments("{\"a\": 1", "{\"a\": 1"));
    }
}
