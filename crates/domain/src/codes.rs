//! Enums whose values are stored and exchanged as short codes and typed in
//! Chinese or English.

/// Declares a code-valued enum with its codes, Chinese label and the
/// spellings accepted on input.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident, $err:literal, { $($(#[$vm:meta])* $v:ident = $code:literal, $zh:literal, [$($alias:literal),*];)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                $name::parse("value", &s).map_err(serde::de::Error::custom)
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code,)+ }
            }

            /// The value for a stored code; no allocation, no aliases.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$v),)+ _ => None }
            }

            /// The label rosters use.
            pub fn zh(self) -> &'static str {
                match self { $($name::$v => $zh,)+ }
            }

            pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
                let s = input.trim();
                if s.is_empty() {
                    return Err(FieldError::new(field, "required"));
                }
                // Most values are typed exactly as a code or label.
                $(
                    if s == $code || s == $zh $(|| s == $alias)* {
                        return Ok($name::$v);
                    }
                )+
                let lower = s.to_ascii_lowercase().replace(['-', ' '], "_");
                $(
                    if lower == $code || s == $zh $(|| s == $alias || lower == $alias)* {
                        return Ok($name::$v);
                    }
                )+
                Err(FieldError::new(field, $err).with("value", s))
            }
        }
    };
}

pub(crate) use coded_enum;
