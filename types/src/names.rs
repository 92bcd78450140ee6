//! Enums that travel as lowercase words (in JSON, in the database, in
//! config files): one macro writes each one's names once, with `ALL`,
//! `as_str`, `parse`, `Display`, `FromStr` and serde's renames from them.
//! Variants compare in the order they are declared.

/// Declares an enum whose variants are written as the given words:
///
/// ```
/// types::named_enum! {
///     /// A colour.
///     pub enum Colour { Red = "red", DarkBlue = "dark_blue" }
/// }
/// assert_eq!(Colour::parse("dark_blue"), Some(Colour::DarkBlue));
/// assert_eq!(Colour::Red.to_string(), "red");
/// ```
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word this variant is written as.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The variant written as `text`, if any.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::UnknownName;
            fn from_str(text: &str) -> Result<$name, $crate::UnknownName> {
                $name::parse(text).ok_or_else(|| $crate::UnknownName {
                    what: stringify!($name),
                    text: text.to_owned(),
                    known: $name::ALL.iter().map(|value| value.as_str()).collect(),
                })
            }
        }
    };
}

/// A word that names no variant of an enum declared with [`named_enum!`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub text: String,
    pub known: Vec<&'static str>,
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a {}: use {}", self.text, self.what, self.known.join(", "))
    }
}

impl std::error::Error for UnknownName {}

#[cfg(test)]
mod tests {
    crate::named_enum! {
        /// A test enum.
        enum Shade { Light = "light", Dark = "very_dark" }
    }

    #[test]
    fn words_round_trip_through_every_form() {
        for shade in Shade::ALL {
            assert_eq!(Shade::parse(shade.as_str()), Some(*shade));
            assert_eq!(serde_json::to_string(shade).unwrap(), format!("\"{shade}\""));
        }
        assert_eq!("very_dark".parse::<Shade>(), Ok(Shade::Dark));
        let error = "dim".parse::<Shade>().unwrap_err();
        assert_eq!(error.to_string(), "\"dim\" is not a Shade: use light, very_dark");
        assert_eq!(serde_json::from_str::<Shade>("\"light\"").unwrap(), Shade::Light);
    }
}
