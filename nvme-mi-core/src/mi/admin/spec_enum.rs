//! A macro for the byte-valued enumerations of the Admin commands: named values plus
//! `Unknown(u8)` for every other value, with lossless `from_u8`/`to_u8`.

/// Define a `u8`-valued spec enumeration with an `Unknown(u8)` variant.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $width:literal bits {
            $( $(#[$vmeta:meta])* $variant:ident = $val:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// Any other value, kept as received.
            Unknown(u8),
        }

        impl $name {
            /// The field's width in bits.
            pub const BITS: u32 = $width;

            /// Decode the field (bits above its width are ignored).
            pub const fn from_u8(v: u8) -> Self {
                let v = (v as u32 & ((1u32 << $width) - 1)) as u8;
                match v {
                    $( $val => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }

            /// The field value (an unknown value is cut to the field's width).
            pub const fn to_u8(self) -> u8 {
                match self {
                    $( $name::$variant => $val, )*
                    $name::Unknown(v) => (v as u32 & ((1u32 << $width) - 1)) as u8,
                }
            }
        }

        impl From<u8> for $name {
            fn from(v: u8) -> Self {
                $name::from_u8(v)
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v.to_u8()
            }
        }
    };
}

pub(crate) use spec_enum;
