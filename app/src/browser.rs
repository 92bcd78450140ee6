//! The browser's own services, used only after hydration: the clipboard,
//! whether the tab is visible, timers, and the session's CSRF token.

use std::cell::RefCell;
use wasm_bindgen::JsCast;

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the session's CSRF token for the server function client.
pub fn remember_csrf_token(token: &str) {
    CSRF_TOKEN.with(|slot| *slot.borrow_mut() = Some(token.to_owned()));
}

pub fn csrf_token() -> Option<String> {
    CSRF_TOKEN.with(|slot| slot.borrow().clone())
}

/// Copies `text` with the Clipboard API, or, where that is missing or
/// refused, with a hidden text area and the older copy command.
pub async fn copy_to_clipboard(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = window.navigator().clipboard();
    let api_present = js_sys::Reflect::has(&window.navigator(), &"clipboard".into()).unwrap_or(false);
    if api_present {
        let written = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await;
        if written.is_ok() {
            return Ok(());
        }
    }
    copy_with_text_area(&window, text)
}

fn copy_with_text_area(window: &web_sys::Window, text: &str) -> Result<(), String> {
    let document = window.document().ok_or("no document")?;
    let area: web_sys::HtmlTextAreaElement =
        document.create_element("textarea").map_err(|_| "cannot copy")?.unchecked_into();
    area.set_value(text);
    area.set_attribute("readonly", "").map_err(|_| "cannot copy")?;
    area.set_class_name("offscreen");
    let body = document.body().ok_or("no body")?;
    body.append_child(&area).map_err(|_| "cannot copy")?;
    area.select();
    let copied = document.unchecked_ref::<web_sys::HtmlDocument>().exec_command("copy").unwrap_or(false);
    area.remove();
    if copied { Ok(()) } else { Err("The browser refused to copy; select the text and copy it by hand.".to_owned()) }
}

/// Whether the tab is in the background.
pub fn tab_hidden() -> bool {
    web_sys::window()
        .and_then(|window| window.document())
        .is_some_and(|document| document.visibility_state() == web_sys::VisibilityState::Hidden)
}

pub async fn sleep_ms(millis: u32) {
    gloo_timers::future::TimeoutFuture::new(millis).await;
}

/// `https://host:port` of the page.
pub fn origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// Opens a `<dialog>` as a modal (focus moves into it; Escape closes it).
pub fn show_modal(id: &str) {
    if let Some(dialog) = element(id).and_then(|element| element.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        let _ = dialog.show_modal();
    }
}

/// Closes a `<dialog>` (its `close` event follows).
pub fn close_dialog(id: &str) {
    if let Some(dialog) = element(id).and_then(|element| element.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        dialog.close();
    }
}

/// Moves the keyboard focus to the element with this id.
pub fn focus(id: &str) {
    if let Some(element) = element(id).and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Focuses the first control marked `aria-invalid="true"` inside the
/// element `id` (or that element itself when none is).
pub fn focus_first_invalid(id: &str) {
    let invalid = element(id)
        .and_then(|container| container.query_selector("[aria-invalid=true]").ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    match invalid {
        Some(control) => {
            let _ = control.focus();
        }
        None => focus(id),
    }
}

fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Moves the focus within a menu by `step` items (wrapping), or to the
/// first (`0`, or `1` from outside) or last (`-1` from outside) item.
pub fn focus_menu_item(menu: &web_sys::Element, step: i32) {
    let Ok(items) = menu.query_selector_all("[role=menuitem]") else {
        return;
    };
    let count = i32::try_from(items.length()).unwrap_or(0);
    if count == 0 {
        return;
    }
    let item = |index: i32| items.item(u32::try_from(index).unwrap_or(0));
    let active = web_sys::window().and_then(|window| window.document()).and_then(|document| document.active_element());
    let current = (0..count).find(|index| item(*index).map(JsCast::unchecked_into::<web_sys::Element>) == active);
    let next = match (current, step) {
        (_, 0) => 0,
        (Some(index), step) => (index + step).rem_euclid(count),
        (None, step) if step < 0 => count - 1,
        (None, _) => 0,
    };
    if let Some(element) = item(next) {
        let _ = element.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

/// Whether a focus-out event moves the focus outside both `menu` and `button`.
pub fn focus_leaves(
    event: &web_sys::FocusEvent,
    menu: Option<&web_sys::Element>,
    button: Option<&web_sys::Element>,
) -> bool {
    let target = event.related_target().and_then(|target| target.dyn_into::<web_sys::Node>().ok());
    let Some(target) = target else { return true };
    let inside = |element: Option<&web_sys::Element>| element.is_some_and(|element| element.contains(Some(&target)));
    !inside(menu) && !inside(button)
}

/// A schema's `pattern`, matched by the browser's `RegExp` (with the `u`
/// flag, as JSON Schema asks).
pub struct RegExpPatterns;

impl types::schema::Patterns for RegExpPatterns {
    fn matches(&self, pattern: &str, text: &str) -> Result<bool, String> {
        let compiled = js_sys::Reflect::construct(
            &js_sys::RegExp::new("", "").constructor(),
            &js_sys::Array::of2(&pattern.into(), &"u".into()),
        )
        .map_err(|_| format!("{pattern:?} is not a regular expression"))?;
        Ok(compiled.unchecked_into::<js_sys::RegExp>().test(text))
    }
}

/// An RFC 3339 time in the browser's zone, as `2026-12-01 22:05:03`.
pub fn local_time(rfc3339: &str) -> Option<String> {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return None;
    }
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    ))
}

/// An RFC 3339 time as a `datetime-local` input's value, in the browser's zone.
pub fn to_local_input(rfc3339: &str) -> Option<String> {
    local_time(rfc3339).and_then(|local| local.replacen(' ', "T", 1).get(..16).map(str::to_owned))
}

/// A `datetime-local` input's value (local time) as RFC 3339 UTC.
pub fn from_local_input(text: &str) -> Option<String> {
    let date = js_sys::Date::new(&text.into());
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// A value kept for this tab (`sessionStorage`), or in this browser (`localStorage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    ForTab,
    ForBrowser,
}

fn storage(kept: Kept) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match kept {
        Kept::ForTab => window.session_storage().ok()?,
        Kept::ForBrowser => window.local_storage().ok()?,
    }
}

/// The value kept under `key`, if any (and if the browser lets us read it).
pub fn kept(kept: Kept, key: &str) -> Option<String> {
    storage(kept)?.get_item(key).ok()?
}

/// Keeps `value` under `key` (`None` forgets it); a browser that refuses
/// (private mode, full storage) just does not remember.
pub fn keep(kept: Kept, key: &str, value: Option<&str>) {
    if let Some(storage) = storage(kept) {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Forgets every value kept under a key that starts with `prefix`.
pub fn forget_all(kept: Kept, prefix: &str) {
    let Some(storage) = storage(kept) else { return };
    let count = storage.length().unwrap_or(0);
    // Keys first, then removals: removing shifts the indexes.
    let keys: Vec<String> = (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// Replaces the page's address without a navigation (to drop a parameter
/// that has done its job).
pub fn replace_address(path_and_query: &str) {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path_and_query));
    }
}
