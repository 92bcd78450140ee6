//! The WebAssembly entry point: hydrates the server-rendered console in the browser.

// The console's view types nest deeply.
#![recursion_limit = "256"]

/// Called by the hydration script that the server puts in every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Tells tests (and the curious) that the page is live.
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__hydrated".into(), &true.into());
    }
}
