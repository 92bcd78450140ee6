//! The ids that tie a control to its label, description and errors.

use types::schema::form::Field;

/// The ids a control points its `aria-describedby` at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    pub control: String,
    pub description: Option<String>,
    pub errors: String,
}

impl Described {
    pub fn new(pointer: &str, field: &Field) -> Described {
        let control = control_id(pointer);
        Described {
            description: field.description.as_ref().map(|_| format!("{control}-help")),
            errors: format!("{control}-errors"),
            control,
        }
    }

    /// The `aria-describedby` value.
    pub fn by(&self) -> String {
        match &self.description {
            Some(description) => format!("{description} {}", self.errors),
            None => self.errors.clone(),
        }
    }
}

/// An id for the control of the value at `pointer`, one per pointer: `/`
/// becomes `-`, letters and digits stay, anything else is written as
/// `_hex_`.
fn control_id(pointer: &str) -> String {
    use std::fmt::Write;
    let mut id = String::from("arg");
    for character in pointer.chars() {
        match character {
            '/' => id.push('-'),
            character if character.is_ascii_alphanumeric() => id.push(character),
            character => {
                let _ = write!(id, "_{:x}_", u32::from(character));
            }
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::control_id;

    #[test]
    fn every_pointer_gets_a_usable_id() {
        assert_eq!(control_id(""), "arg");
        assert_eq!(control_id("/tags/0"), "arg-tags-0");
        assert_eq!(control_id("/a b"), "arg-a_20_b");
        assert_ne!(control_id("/a-b"), control_id("/a/b"));
        assert_ne!(control_id("/a_2d_b"), control_id("/a-b"));
    }
}
