//! An array: one field per item, each with buttons to move it up or down
//! and to remove it, and a button that adds an item (within the bounds).

use super::state::FormState;
use leptos::prelude::*;
use serde_json::Value;
use types::schema::form::Field;

#[component]
pub fn ListControl(item: Field, pointer: String, min_items: Option<u64>, max_items: Option<u64>) -> impl IntoView {
    let state = expect_context::<FormState>();
    let read = pointer.clone();
    let items = Memo::new(move |_| state.at(&read).and_then(|value| value.as_array().cloned()).unwrap_or_default());
    let count = move || items.with(Vec::len);
    let edit = {
        let pointer = pointer.clone();
        move |change: &dyn Fn(&mut Vec<Value>)| {
            let mut list = items.get_untracked();
            change(&mut list);
            state.set(&pointer, Some(Value::Array(list)));
        }
    };
    let edit = StoredValue::new(edit);
    let initial = item.initial();
    let item = StoredValue::new(item);
    let may_add = move || max_items.is_none_or(|max| (count() as u64) < max);
    let may_remove = move || min_items.is_none_or(|min| (count() as u64) > min);
    view! {
        <ol class="list-items">
            <For each=move || 0..count() key=|index| *index let:index>
                {
                    let here = format!("{pointer}/{index}");
                    let label = format!("Item {}", index + 1);
                    view! {
                        <li class="list-item">
                            {state.field(item.get_value(), here, label.clone(), true)}
                            <div class="list-item-buttons">
                                <button type="button" class="button-quiet" aria-label=format!("Move {label} up") disabled=move || index == 0
                                    on:click=move |_| edit.with_value(|edit| edit(&|list| list.swap(index, index - 1)))>"↑"</button>
                                <button type="button" class="button-quiet" aria-label=format!("Move {label} down") disabled=move || index + 1 >= count()
                                    on:click=move |_| edit.with_value(|edit| edit(&|list| list.swap(index, index + 1)))>"↓"</button>
                                <button type="button" class="button-quiet" aria-label=format!("Remove {label}") disabled=move || !may_remove()
                                    on:click=move |_| edit.with_value(|edit| edit(&|list| { list.remove(index); }))>"Remove"</button>
                            </div>
                        </li>
                    }
                }
            </For>
        </ol>
        <button type="button" class="button-secondary" disabled=move || !may_add()
            on:click=move |_| { let initial = initial.clone(); edit.with_value(|edit| edit(&move |list| list.push(initial.clone()))); }>
            "Add item"
        </button>
    }
}
