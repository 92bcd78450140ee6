//! The signed-in user, and the announcer that tells about quiet changes
//! ("Copied …") both on screen and to screen readers.

use leptos::prelude::*;
use types::{Role, SessionInfo};

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

/// The announcement on screen now. Components take it when they are made
/// ([`use_announcer`]) and say things later, from any async block.
#[derive(Clone, Copy)]
pub struct Announcer(pub RwSignal<String>);

impl Announcer {
    /// Shows `message` for a few seconds and reads it to screen readers.
    pub fn say(self, message: impl Into<String>) {
        let Announcer(text) = self;
        let message = message.into();
        // `Some` gives the value back: the page that owned the signal is gone.
        let page_gone = text.try_set(message.clone()).is_some();
        #[cfg(feature = "hydrate")]
        if !page_gone {
            leptos::task::spawn_local(async move {
                crate::browser::sleep_ms(4000).await;
                if text.try_get_untracked().as_ref() == Some(&message) {
                    let _ = text.try_set(String::new());
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (page_gone, message);
    }
}

/// The page's announcer (one that shows nowhere outside the console's layout).
pub fn use_announcer() -> Announcer {
    use_context::<Announcer>().unwrap_or_else(|| Announcer(RwSignal::new(String::new())))
}
