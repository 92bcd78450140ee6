//! Changing a JSON value at a pointer (RFC 6901), as the form does when one
//! of its fields changes: objects and arrays on the way are made as needed.

use serde_json::{Map, Value};

/// `value` with `new` at `pointer` (`None` removes what is there).
pub fn set(value: &mut Value, pointer: &str, new: Option<Value>) {
    let parts: Vec<String> =
        pointer.split('/').skip(1).map(|part| part.replace("~1", "/").replace("~0", "~")).collect();
    let Some((last, path)) = parts.split_last() else {
        if let Some(new) = new {
            *value = new;
        }
        return;
    };
    let mut target = value;
    for part in path {
        target = child(target, part);
    }
    match (target, new) {
        (Value::Object(members), Some(new)) => {
            members.insert(last.clone(), new);
        }
        (Value::Object(members), None) => {
            members.remove(last);
        }
        (Value::Array(items), new) => match (last.parse::<usize>(), new) {
            (Ok(index), Some(new)) if index < items.len() => items[index] = new,
            (Ok(index), Some(new)) if index == items.len() => items.push(new),
            (Ok(index), None) if index < items.len() => {
                items.remove(index);
            }
            _ => {}
        },
        (other, Some(new)) => {
            let mut members = Map::new();
            members.insert(last.clone(), new);
            *other = Value::Object(members);
        }
        (_, None) => {}
    }
}

/// The member `part` of `value`, made (as an object) when missing. (The
/// indexing cannot panic: the array index is in bounds, and the value is an
/// object when indexed by name.)
fn child<'a>(value: &'a mut Value, part: &str) -> &'a mut Value {
    let index = part.parse::<usize>().ok().filter(|index| value.as_array().is_some_and(|items| *index < items.len()));
    if let Some(index) = index {
        return &mut value[index];
    }
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    &mut value[part]
}

/// `pointer` plus one more part (escaped).
pub fn join(pointer: &str, part: &str) -> String {
    format!("{pointer}/{}", part.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_set_removed_and_made_on_the_way() {
        let mut value = json!({"a": 1, "list": [1, 2]});
        set(&mut value, "/a", Some(json!(2)));
        set(&mut value, "/inner/deep", Some(json!("x")));
        set(&mut value, "/list/1", None);
        set(&mut value, "/list/1", Some(json!(9)));
        set(&mut value, "/a~1b", Some(json!(true)));
        assert_eq!(value, json!({"a": 2, "inner": {"deep": "x"}, "list": [1, 9], "a/b": true}));
        set(&mut value, "/a", None);
        assert!(value.get("a").is_none());
        set(&mut value, "", Some(json!({})));
        assert_eq!(value, json!({}));
        assert_eq!(join("/x", "a/b"), "/x/a~1b");
    }
}
