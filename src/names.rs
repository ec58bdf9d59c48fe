//! Enums whose variants each have one wire name, written once.

/// Declares an enum whose variants each carry one wire name: serde and the OpenAPI schema
/// use it, `as_str` returns it, and `ALL` lists the variants in declaration order.
///
/// ```ignore
/// named_enum! {
///     /// Where an offer stands.
///     pub enum OfferStatus { Draft = "draft", Sent = "sent" }
/// }
/// ```
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, poem_openapi::Enum,
        )]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] #[oai(rename = $wire)] $variant),*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Implements poem-openapi's `Type` for a value the schema shows as a string of one format
/// (`string`/`date-time`, `string`/`binary`): the type's own parsing and serialising impls
/// say how it reads and writes.
#[macro_export]
macro_rules! string_schema_type {
    ($name:ty, $format:literal) => {
        impl poem_openapi::types::Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                concat!("string_", $format).into()
            }

            fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
                poem_openapi::registry::MetaSchemaRef::Inline(Box::new(
                    poem_openapi::registry::MetaSchema::new_with_format("string", $format),
                ))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    named_enum! {
        /// A test enum.
        pub enum Shade {
            Light = "light",
            /// Documented variant.
            DarkBlue = "dark:blue",
        }
    }

    #[test]
    fn one_name_serves_serde_as_str_and_all() {
        assert_eq!(Shade::ALL, &[Shade::Light, Shade::DarkBlue]);
        assert_eq!(Shade::DarkBlue.as_str(), "dark:blue");
        assert_eq!(
            serde_json::to_string(&Shade::DarkBlue).unwrap(),
            "\"dark:blue\""
        );
        assert_eq!(
            serde_json::from_str::<Shade>("\"light\"").unwrap(),
            Shade::Light
        );
        assert_eq!(Shade::Light.to_string(), "light");
    }
}
