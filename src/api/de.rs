//! Tolerant decoding and protojson-style encoding of single wire values.
//!
//! Gateways and Cuebot versions differ, so every field of a response decodes leniently:
//! int64 from a string or a number, floats from numbers or `"NaN"`/`"Infinity"` strings,
//! `null` or a missing key as the default, enums from names or numbers (unknown values kept),
//! lists flat or wrapped in their `Seq` message. Encoding follows protojson with the gateway's
//! options (int64 as strings, enums as names, integral floats without `.0`), which is what the
//! simulator sends and what the real gateway accepts back.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq as _, Serializer};

/// A value that can travel in a gateway message.
pub trait Wire: Sized {
    /// Decodes leniently: anything a gateway could plausibly send for this type.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Encodes as protojson does.
    fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;

    /// True for proto3's "unset" value (empty, zero, false); such fields are left out of requests.
    fn is_unset(&self) -> bool;
}

/// `deserialize_with` target for every message field.
pub fn lenient<'de, D: Deserializer<'de>, T: Wire>(d: D) -> Result<T, D::Error> {
    T::decode(d)
}

/// `serialize_with` target for every message field.
pub fn protojson<S: Serializer, T: Wire>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    v.encode(s)
}

/// `skip_serializing_if` target for request fields.
pub fn is_unset<T: Wire>(v: &T) -> bool {
    v.is_unset()
}

/// Adapter that lets a `Wire` type be used where serde wants `Deserialize` (list elements).
pub(crate) struct W<T>(pub T);

impl<'de, T: Wire> de::Deserialize<'de> for W<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::decode(d).map(W)
    }
}

/// Adapter that lets a `Wire` value be serialized as a list element.
struct E<'a, T>(&'a T);

impl<T: Wire> serde::Serialize for E<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.encode(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Strings and booleans.

impl Wire for String {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_unit<E: de::Error>(self) -> Result<String, E> {
                Ok(String::new())
            }
        }
        d.deserialize_any(V)
    }

    fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }

    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

impl Wire for bool {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
                match v {
                    "true" | "1" => Ok(true),
                    "false" | "0" | "" => Ok(false),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
                Ok(v != 0)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
                Ok(v != 0)
            }
            fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
                Ok(false)
            }
        }
        d.deserialize_any(V)
    }

    fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*self)
    }

    fn is_unset(&self) -> bool {
        !*self
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/// Parses a number written as a JSON string, as protojson accepts for every numeric type.
fn parse_number_str(v: &str) -> Option<f64> {
    match v.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse::<f64>().ok(),
    }
}

macro_rules! wire_int {
    ($ty:ty, $name:literal, $as_string:expr) => {
        impl Wire for $ty {
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("an ", $name, " as a number or a string"))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        <$ty>::try_from(v)
                            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        <$ty>::try_from(v)
                            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                        // protojson accepts `5.0` or `1e3` for an integer, never `50.5`.
                        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                        if v.fract() == 0.0 && v >= <$ty>::MIN as f64 && v <= <$ty>::MAX as f64 {
                            Ok(v as $ty)
                        } else {
                            Err(E::invalid_value(de::Unexpected::Float(v), &self))
                        }
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        if let Ok(n) = v.trim().parse::<$ty>() {
                            return Ok(n);
                        }
                        match parse_number_str(v) {
                            Some(f) => self.visit_f64(f),
                            None if v.is_empty() => Ok(0),
                            None => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                        }
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$ty, E> {
                        Ok(0)
                    }
                }
                d.deserialize_any(V)
            }

            fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if $as_string {
                    s.collect_str(self)
                } else {
                    s.serialize_i64(i64::from(*self))
                }
            }

            fn is_unset(&self) -> bool {
                *self == 0
            }
        }
    };
}

wire_int!(i32, "int32", false);
wire_int!(i64, "int64", true);

macro_rules! wire_float {
    ($ty:ty, $ser:ident) => {
        impl Wire for $ty {
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a number, or \"NaN\"/\"Infinity\"/\"-Infinity\"")
                    }
                    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        Ok(v as $ty)
                    }
                    #[allow(clippy::cast_possible_truncation)]
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        match parse_number_str(v) {
                            Some(f) => Ok(f as $ty),
                            None if v.is_empty() => Ok(0.0),
                            None => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                        }
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$ty, E> {
                        Ok(0.0)
                    }
                }
                d.deserialize_any(V)
            }

            fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let v = *self;
                if v.is_nan() {
                    s.serialize_str("NaN")
                } else if v.is_infinite() {
                    s.serialize_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
                } else if v.fract() == 0.0 && v.abs() < 1e15 {
                    // protojson writes the shortest form: `1`, not `1.0`.
                    #[allow(clippy::cast_possible_truncation)]
                    s.serialize_i64(v as i64)
                } else {
                    s.$ser(v)
                }
            }

            fn is_unset(&self) -> bool {
                *self == 0.0
            }
        }
    };
}

wire_float!(f32, serialize_f32);
wire_float!(f64, serialize_f64);

// ---------------------------------------------------------------------------------------------
// Lists and optional messages.

impl<T: Wire> Wire for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Wire> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list, or a list wrapped in an object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(W(item)) = seq.next_element::<W<T>>()? {
                    out.push(item);
                }
                Ok(out)
            }
            // `{"jobs":[...]}` where a list was expected: the `Seq` wrapper of a list.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
                let mut out = None;
                while let Some(_key) = map.next_key::<IgnoredAny>()? {
                    if out.is_none() {
                        out = Some(map.next_value::<W<Vec<T>>>()?.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out.unwrap_or_default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
                Ok(Vec::new())
            }
        }
        d.deserialize_any(V(PhantomData))
    }

    fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&E(item))?;
        }
        seq.end()
    }

    fn is_unset(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(<Option<W<T>> as de::Deserialize>::deserialize(d)?.map(|w| w.0))
    }

    fn encode<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.encode(s),
            None => s.serialize_none(),
        }
    }

    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

// ---------------------------------------------------------------------------------------------
// Declarative helpers for messages, list wrappers and enums.

/// Declares a proto message: camelCase on the wire (snake_case accepted through `alias`),
/// every field defaulted when missing or `null`, unknown fields ignored.
///
/// `emit_all` messages write every field (protojson with `EmitUnpopulated`, as the gateway
/// answers); `skip_unset` messages leave unset fields out (our requests).
macro_rules! message {
    (emit_all; $($rest:tt)*) => {
        $crate::api::de::message!(@impl [allow(clippy::struct_field_names)] $($rest)*);
    };
    (skip_unset; $($rest:tt)*) => {
        $crate::api::de::message!(
            @impl [serde(skip_serializing_if = "crate::api::de::is_unset")] $($rest)*
        );
    };
    (
        @impl [$extra:meta]
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    deserialize_with = "crate::api::de::lenient",
                    serialize_with = "crate::api::de::protojson"
                )]
                #[$extra]
                pub $field: $ty,
            )*
        }

        impl $crate::api::de::Wire for $name {
            fn decode<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // An unset sub-message arrives as `null`: treat it as the default message.
                Ok(<Option<Self> as ::serde::Deserialize>::deserialize(d)?.unwrap_or_default())
            }

            fn encode<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(self, s)
            }

            fn is_unset(&self) -> bool {
                *self == Self::default()
            }
        }
    };
}
pub(crate) use message;

/// Declares a proto enum: names on the wire, numbers accepted, unknown values kept in `Other`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $num:literal => $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this build does not know (a newer Cuebot), kept as sent.
            Other(String),
        }

        impl $name {
            /// Every known value, in proto order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The proto name, as on the wire (`"RUNNING"`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Other(s) => s.as_str(),
                }
            }

            /// Looks up a proto name; an unknown name becomes `Other`.
            pub fn from_name(s: &str) -> Self {
                match s {
                    $( $wire => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Looks up a proto number; an unknown number becomes `Other`.
            pub fn from_number(n: i64) -> Self {
                match n {
                    $( $num => $name::$variant, )*
                    other => $name::Other(other.to_string()),
                }
            }

            /// The proto number, or `None` for an unknown value.
            pub fn number(&self) -> Option<i32> {
                match self {
                    $( $name::$variant => Some($num), )*
                    $name::Other(_) => None,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::from_number(0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::api::de::Wire for $name {
            fn decode<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::api::de::decode_enum(d, Self::from_name, Self::from_number)
            }

            fn encode<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    // protojson writes a number it has no name for as an integer.
                    $name::Other(v) => match v.parse::<i64>() {
                        Ok(n) => s.serialize_i64(n),
                        Err(_) => s.serialize_str(v),
                    },
                    known => s.serialize_str(known.as_str()),
                }
            }

            fn is_unset(&self) -> bool {
                self.number() == Some(0)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::api::de::Wire::encode(self, s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::api::de::Wire::decode(d)
            }
        }
    };
}
pub(crate) use wire_enum;

/// Declares a proto `…Seq` wrapper: one repeated field, written as `{"<key>":[…]}`.
///
/// Decoding also takes a flat list or `null`, as older or differing gateways may send.
macro_rules! seq {
    ($(#[$meta:meta])* pub struct $name:ident { $key:literal => pub $field:ident : Vec<$item:ty> }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            #[doc = concat!("The items (`", $key, "` on the wire).")]
            pub $field: Vec<$item>,
        }

        impl $crate::api::de::Wire for $name {
            fn decode<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self { $field: <Vec<$item> as $crate::api::de::Wire>::decode(d)? })
            }

            fn encode<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::api::de::encode_wrapped(s, $key, &self.$field)
            }

            fn is_unset(&self) -> bool {
                self.$field.is_empty()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $crate::api::de::Wire::encode(self, s)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::api::de::Wire::decode(d)
            }
        }

        impl From<Vec<$item>> for $name {
            fn from($field: Vec<$item>) -> Self {
                Self { $field }
            }
        }
    };
}
pub(crate) use seq;

/// Writes `{"<key>":[…]}`.
pub fn encode_wrapped<S: Serializer, T: Wire>(
    s: S,
    key: &'static str,
    items: &Vec<T>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap as _;
    struct L<'a, T>(&'a Vec<T>);
    impl<T: Wire> serde::Serialize for L<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.0.encode(s)
        }
    }
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(key, &L(items))?;
    map.end()
}

/// Decodes an enum from a name, a number, or `null` (the zero value).
pub fn decode_enum<'de, D, T>(
    d: D,
    from_name: fn(&str) -> T,
    from_number: fn(i64) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<T> {
        from_name: fn(&str) -> T,
        from_number: fn(i64) -> T,
    }
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum name or number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.from_name)(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok((self.from_number)(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Ok((self.from_number)(i64::try_from(v).unwrap_or(i64::MAX)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<T, E> {
            Ok((self.from_number)(0))
        }
    }
    d.deserialize_any(V {
        from_name,
        from_number,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec<T: Wire>(json: &str) -> Result<T, serde_json::Error> {
        let mut d = serde_json::Deserializer::from_str(json);
        T::decode(&mut d)
    }

    fn enc<T: Wire>(v: &T) -> String {
        let mut out = Vec::new();
        v.encode(&mut serde_json::Serializer::new(&mut out))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn int64_from_string_or_number_and_back_as_string() {
        assert_eq!(dec::<i64>("\"8388608\"").unwrap(), 8_388_608);
        assert_eq!(dec::<i64>("8388608").unwrap(), 8_388_608);
        assert_eq!(dec::<i64>("null").unwrap(), 0);
        assert_eq!(dec::<i64>("1e3").unwrap(), 1000);
        assert_eq!(enc(&8_388_608_i64), "\"8388608\"");
    }

    #[test]
    fn int32_rejects_fractions_and_overflow() {
        assert_eq!(dec::<i32>("\"50\"").unwrap(), 50);
        assert!(dec::<i32>("50.5").is_err());
        assert!(dec::<i32>("4294967296").is_err());
        assert_eq!(enc(&-1_i32), "-1");
    }

    #[test]
    fn floats_accept_special_strings_and_encode_shortest() {
        assert!(dec::<f32>("\"NaN\"").unwrap().is_nan());
        assert_eq!(dec::<f64>("\"-Infinity\"").unwrap(), f64::NEG_INFINITY);
        assert_eq!(dec::<f32>("\"2.5\"").unwrap(), 2.5);
        assert_eq!(dec::<f32>("7").unwrap(), 7.0);
        assert_eq!(enc(&1.0_f32), "1");
        assert_eq!(enc(&50.5_f32), "50.5");
        assert_eq!(enc(&0.1_f32), "0.1");
        assert_eq!(enc(&f32::INFINITY), "\"Infinity\"");
    }

    #[test]
    fn strings_and_bools_tolerate_null_and_scalars() {
        assert_eq!(dec::<String>("null").unwrap(), "");
        assert_eq!(dec::<String>("12").unwrap(), "12");
        assert!(dec::<bool>("\"true\"").unwrap());
        assert!(!dec::<bool>("null").unwrap());
    }

    #[test]
    fn lists_flat_wrapped_or_null() {
        assert_eq!(dec::<Vec<i64>>("[\"1\",2]").unwrap(), vec![1, 2]);
        assert_eq!(dec::<Vec<i64>>("{\"xs\":[3]}").unwrap(), vec![3]);
        assert_eq!(dec::<Vec<i64>>("{\"xs\":{\"xs\":[4]}}").unwrap(), vec![4]);
        assert_eq!(dec::<Vec<i64>>("null").unwrap(), Vec::<i64>::new());
        assert!(dec::<Vec<i64>>("\"demo\"").is_err());
    }
}
