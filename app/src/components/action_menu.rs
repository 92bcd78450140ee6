//! A menu of actions behind a "⋯" button, usable by keyboard: Enter or
//! Space opens it on the first item, the arrows move, Escape closes it and
//! returns to the button, and leaving it closes it.

use leptos::prelude::*;

#[component]
pub fn ActionMenu(
    /// What the button is called for screen readers, e.g. "Actions for run 1f3…".
    label: String,
    /// An id unique on the page.
    id: String,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Ul>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let menu_id = format!("{id}-menu");
    let focus_item = move |step: i32| {
        #[cfg(feature = "hydrate")]
        if let Some(menu) = menu.get() {
            crate::browser::focus_menu_item(&menu, step);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (step, menu);
    };
    // After the menu is painted; if the browser refuses a frame, the menu
    // still opens and only the focus stays on the button.
    let focus_item_after_paint = move |step: i32| {
        let _ = request_animation_frame(move || focus_item(step));
    };
    let close = move |refocus: bool| {
        open.set(false);
        if refocus && let Some(button) = button.get() {
            let _ = button.focus();
        }
    };
    view! {
        <div
            class="menu"
            on:focusout=move |event| {
                #[cfg(feature = "hydrate")]
                {
                    let (menu, button) = (menu.get(), button.get());
                    let menu: Option<&web_sys::Element> = menu.as_ref().map(|menu| &***menu);
                    let button: Option<&web_sys::Element> = button.as_ref().map(|button| &***button);
                    if crate::browser::focus_leaves(&event, menu, button) {
                        open.set(false);
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = event;
            }
        >
            <button
                type="button"
                class="menu-button"
                node_ref=button
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-controls=menu_id.clone()
                aria-label=label
                on:click=move |_| {
                    let opening = !open.get_untracked();
                    open.set(opening);
                    if opening {
                        focus_item_after_paint(1);
                    }
                }
                on:keydown=move |event| {
                    if event.key() == "ArrowDown" || event.key() == "ArrowUp" {
                        event.prevent_default();
                        open.set(true);
                        let step = if event.key() == "ArrowDown" { 1 } else { -1 };
                        focus_item_after_paint(step);
                    }
                }
            >
                "⋯"
            </button>
            <ul
                id=menu_id
                role="menu"
                class="menu-items"
                node_ref=menu
                hidden=move || !open.get()
                on:keydown=move |event| match event.key().as_str() {
                    "ArrowDown" => {
                        event.prevent_default();
                        focus_item(1);
                    }
                    "ArrowUp" => {
                        event.prevent_default();
                        focus_item(-1);
                    }
                    "Home" => {
                        event.prevent_default();
                        focus_item(0);
                    }
                    "Escape" => {
                        event.prevent_default();
                        close(true);
                    }
                    "Tab" => close(false),
                    _ => {}
                }
                on:click=move |_| close(true)
            >
                {children()}
            </ul>
        </div>
    }
}

/// One item of an [`ActionMenu`].
#[component]
pub fn MenuItem(
    /// What the item says.
    label: &'static str,
    on_select: Callback<()>,
) -> impl IntoView {
    view! {
        <li role="none">
            <button type="button" role="menuitem" on:click=move |_| on_select.run(())>
                {label}
            </button>
        </li>
    }
}
