//! The one way a component calls the server or the clipboard and tells the
//! user: in the background, clearing or showing the component's problem,
//! and saying what happened through the announcer.

use super::Announcer;
use leptos::prelude::*;
use types::Problem;

/// Calls the server in the background: on success the problem is cleared
/// and `done` gets the answer; on failure the problem shows.
pub fn spawn_call<T: 'static>(
    problem: RwSignal<Option<Problem>>,
    call: impl Future<Output = Result<T, Problem>> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    leptos::task::spawn_local(async move {
        match call.await {
            Ok(answer) => {
                problem.set(None);
                done(answer);
            }
            Err(error) => problem.set(Some(error)),
        }
    });
}

/// Copies `text` to the clipboard and says so ("Copied `what`."), or says
/// `https://host:port` of the page in the browser (empty on the server,
/// where nothing is copied).
pub fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    return crate::browser::origin();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// why the browser refused.
pub fn copy_and_announce(announcer: Announcer, text: String, what: &'static str) {
    leptos::task::spawn_local(async move {
        #[cfg(feature = "hydrate")]
        match crate::browser::copy_to_clipboard(&text).await {
            Ok(()) => announcer.say(format!("Copied {what}.")),
            Err(message) => announcer.say(message),
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (announcer, text, what);
    });
}
