//! Times as people read them: in the browser's time zone, with the UTC
//! value on hover, unless the user pins UTC (a setting kept in this
//! browser). The server renders UTC (it knows no zone); the browser shows
//! local times once the page has hydrated.

use leptos::prelude::*;

/// How this page shows times.
#[derive(Clone, Copy)]
pub struct TimeZone {
    /// The user pinned UTC.
    pub utc: RwSignal<bool>,
    /// The page runs in the browser (local times can be computed).
    in_browser: RwSignal<bool>,
}

impl TimeZone {
    /// The setting, read from this browser once the page has hydrated.
    pub fn new() -> TimeZone {
        let zone = TimeZone { utc: RwSignal::new(false), in_browser: RwSignal::new(false) };
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| {
            zone.utc.set(crate::browser::kept(crate::browser::Kept::ForBrowser, KEY).as_deref() == Some("utc"));
            zone.in_browser.set(true);
        });
        zone
    }

    /// Pins UTC (`true`) or goes back to local times, and remembers it.
    pub fn pin_utc(self, utc: bool) {
        self.utc.set(utc);
        #[cfg(feature = "hydrate")]
        crate::browser::keep(crate::browser::Kept::ForBrowser, KEY, utc.then_some("utc"));
    }

    fn local(self) -> bool {
        self.in_browser.get() && !self.utc.get()
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::new()
    }
}

#[cfg(feature = "hydrate")]
const KEY: &str = "task-starter.times";

pub fn use_time_zone() -> TimeZone {
    use_context::<TimeZone>().unwrap_or_default()
}

/// A point in time (RFC 3339 UTC, as the API sends it).
#[component]
pub fn Time(at: String) -> impl IntoView {
    let zone = use_time_zone();
    let utc = crate::format::time(&at);
    let shown = {
        let (at, utc) = (at.clone(), utc.clone());
        move || {
            if zone.local() {
                #[cfg(feature = "hydrate")]
                if let Some(local) = crate::browser::local_time(&at) {
                    return local;
                }
            }
            let _ = &at;
            utc.clone()
        }
    };
    view! { <time datetime=at title=utc>{shown}</time> }
}

/// The setting in the header: show times in UTC.
#[component]
pub fn TimeZoneSwitch() -> impl IntoView {
    let zone = use_time_zone();
    view! {
        <label class="utc-switch">
            <input type="checkbox" prop:checked=move || zone.utc.get() on:change:target=move |event| zone.pin_utc(event.target().checked())/>
            " UTC times"
        </label>
    }
}
