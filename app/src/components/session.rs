//! The signed-in user, and the announcer that tells about quiet changes
//! ("Copied …") both on screen and to screen readers.

use crate::types::{Role, SessionInfo};
use leptos::prelude::*;

/// The signed-in user, provided by the layout.
#[derive(Clone, Debug)]
pub struct Session(pub SessionInfo);

impl Session {
    /// Whether the user's role includes `role`.
    pub fn may(&self, role: Role) -> bool {
        self.0.role.includes(role)
    }
}

pub fn use_session() -> Option<Session> {
    use_context::<Session>()
}

/// The text of the announcement on screen now.
#[derive(Clone, Copy)]
pub struct Announcer(pub RwSignal<String>);

/// Shows `message` for a few seconds and reads it to screen readers.
pub fn announce(message: impl Into<String>) {
    let Some(Announcer(text)) = use_context::<Announcer>() else { return };
    let message = message.into();
    text.set(message.clone());
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        crate::browser::sleep_ms(4000).await;
        if text.get_untracked() == message {
            text.set(String::new());
        }
    });
}
