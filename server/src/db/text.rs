//! Text the database can store. PostgreSQL's `text` and `jsonb` cannot hold
//! the NUL character (`\u0000`): a statement carrying one fails, and with it
//! every row batched beside it. Text a task hands back is made storable
//! here (NUL becomes U+FFFD, long text is cut); text a caller sends is
//! checked with [`nul_pointers`] and refused before it reaches a statement.

use serde_json::Value;

/// What replaces a NUL character.
pub const REPLACEMENT: char = '\u{FFFD}';
/// What ends text that was cut to fit.
pub const CUT_MARK: &str = " [cut]";

/// `text` without NUL characters and at most `max_bytes` long (cut at a
/// character boundary, ending in [`CUT_MARK`]).
pub fn storable(text: impl Into<String>, max_bytes: usize) -> String {
    let mut text = text.into();
    if text.contains('\0') {
        text = text.replace('\0', &REPLACEMENT.to_string());
    }
    if text.len() > max_bytes {
        let mut cut = max_bytes.saturating_sub(CUT_MARK.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str(CUT_MARK);
    }
    text
}

/// Whether `text` can be stored as it is.
pub fn is_storable(text: &str) -> bool {
    !text.contains('\0')
}

/// The JSON pointers (RFC 6901) of every string and object key in `value`
/// that holds a NUL character; empty when the value can be stored.
pub fn nul_pointers(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(value, &mut String::new(), &mut found);
    found
}

fn walk(value: &Value, pointer: &mut String, found: &mut Vec<String>) {
    match value {
        Value::String(text) if !is_storable(text) => found.push(pointer.clone()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(item, pointer, found);
                pointer.truncate(length);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                if is_storable(key) {
                    walk(member, pointer, found);
                } else {
                    found.push(pointer.clone());
                }
                pointer.truncate(length);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_characters_become_replacement_characters() {
        assert_eq!(storable("a\0b", 100), "a\u{FFFD}b");
        assert_eq!(storable("plain", 100), "plain");
    }

    #[test]
    fn long_text_is_cut_at_a_character_boundary_with_a_mark() {
        let cut = storable("ééééééééééé", 12);
        assert!(cut.len() <= 12, "{cut:?}");
        assert!(cut.ends_with(CUT_MARK));
        assert!(cut.starts_with('é'));
    }

    #[test]
    fn nul_in_any_string_or_key_is_found_at_its_pointer() {
        let value =
            json!({"ok": "fine", "bad": "x\u{0}", "list": [1, "\u{0}"], "a/b\u{0}": 1, "nested": {"deep": "\u{0}"}});
        let mut found = nul_pointers(&value);
        found.sort();
        assert_eq!(found, vec!["/a~1b\u{0}", "/bad", "/list/1", "/nested/deep"]);
        assert!(nul_pointers(&json!({"text": "all good", "n": 5})).is_empty());
    }
}
