//! A parsed record that borrows from its bytes. Field names and values are located, not copied, and a value is
//! decoded only when a normalizer asks for it: a sign-in carries some eighty fields and a normalizer reads about
//! forty, so building a full JSON tree for every record would cost more than everything else ingest does with it.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Above this many fields a map builds a hash table of its names; below it a linear scan is cheaper.
const LINEAR_LOOKUP_MAX: usize = 12;

/// Field names whose object values hold the record itself (diagnostic-settings `properties`, UAL `AuditData`):
/// they are read as nested maps while the record is scanned, instead of being scanned twice.
const CONTAINER_FIELDS: [&str; 3] = ["properties", "AuditData", "auditData"];

/// One field's value, still in the form the export wrote it.
#[derive(Debug, Clone)]
pub enum FieldValue<'a> {
    /// A JSON value, still encoded (a string keeps its quotes and escapes).
    Json(&'a RawValue),
    /// A CSV cell: plain text, already unquoted.
    Text(Cow<'a, str>),
    /// A container field's object, read as a nested map.
    Object(Box<LazyMap<'a>>),
    /// A container field holding something other than an object, decoded.
    Decoded(Value),
}

/// A record's fields in their original order, with lookup by exact name.
#[derive(Debug, Clone, Default)]
pub struct LazyMap<'a> {
    entries: Vec<(Cow<'a, str>, FieldValue<'a>)>,
    /// Open-addressing table of entry positions plus one (0 is an empty slot), sized to a power of two; empty for
    /// maps of at most [`LINEAR_LOOKUP_MAX`] fields.
    slots: Vec<u32>,
    /// JSON keeps the last of repeated names (as a JSON parser does); CSV keeps the first column.
    last_wins: bool,
}

/// Why bytes could not be read as a JSON object.
#[derive(Debug)]
pub enum ObjectError {
    /// Not valid JSON.
    Syntax(serde_json::Error),
    /// Valid JSON, but not an object (the kind is named: "array", "string", …).
    NotObject(&'static str),
}

impl<'a> LazyMap<'a> {
    /// Reads a JSON object from `text` without decoding its values. The text is already valid UTF-8 (ingest checks
    /// each record once, as it takes its bytes), so values are not validated again as they are read.
    pub fn from_json_str(text: &'a str) -> Result<LazyMap<'a>, ObjectError> {
        let first = text.bytes().find(|b| !b.is_ascii_whitespace());
        if first != Some(b'{') {
            // Not an object: a full parse names the JSON kind or reports the syntax error.
            return match serde_json::from_str::<Value>(text) {
                Ok(v) => Err(ObjectError::NotObject(json_kind(&v))),
                Err(e) => Err(ObjectError::Syntax(e)),
            };
        }
        let fields: Fields<'a> = serde_json::from_str(text).map_err(ObjectError::Syntax)?;
        Ok(LazyMap::build(fields.0, true))
    }

    /// A CSV row: column names with their cells (the first of repeated column names wins).
    pub fn from_cells(cells: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> LazyMap<'a> {
        LazyMap::build(cells.into_iter().map(|(k, v)| (k, FieldValue::Text(v))).collect(), false)
    }

    fn build(entries: Vec<(Cow<'a, str>, FieldValue<'a>)>, last_wins: bool) -> LazyMap<'a> {
        let mut map = LazyMap { entries, slots: Vec::new(), last_wins };
        if map.entries.len() > LINEAR_LOOKUP_MAX {
            let size = (map.entries.len() * 2).next_power_of_two();
            map.slots = vec![0; size];
            for i in 0..map.entries.len() {
                let slot = map.slot_of(&map.entries[i].0);
                // A repeated name keeps the first entry unless the last one should win.
                if map.slots[slot] == 0 || map.last_wins {
                    map.slots[slot] = i as u32 + 1;
                }
            }
        }
        map
    }

    /// The slot holding `key`, or the empty slot where it would go.
    fn slot_of(&self, key: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = name_hash(key, self.entries.len() >= KEYED_HASH_MIN) as usize & mask;
        loop {
            match self.slots[slot] {
                0 => return slot,
                i if self.entries[i as usize - 1].0 == key => return slot,
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// The value of field `key`, if present.
    pub fn get(&self, key: &str) -> Option<&FieldValue<'a>> {
        if self.slots.is_empty() {
            let hit = |e: &&(Cow<'a, str>, FieldValue<'a>)| e.0.len() == key.len() && e.0 == key;
            let found =
                if self.last_wins { self.entries.iter().rev().find(hit) } else { self.entries.iter().find(hit) };
            return found.map(|e| &e.1);
        }
        match self.slots[self.slot_of(key)] {
            0 => None,
            i => Some(&self.entries[i as usize - 1].1),
        }
    }

    /// True when field `key` is present (even blank).
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the record has no fields.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Field names in record order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    /// Field `key` read as a nested JSON object (not a string holding one).
    pub fn nested(&self, key: &str) -> Option<Cow<'_, LazyMap<'a>>> {
        match self.get(key)? {
            FieldValue::Object(m) => Some(Cow::Borrowed(m)),
            FieldValue::Json(raw) if raw.get().starts_with('{') => {
                let raw: &'a RawValue = raw;
                LazyMap::from_json_str(raw.get()).ok().map(Cow::Owned)
            }
            _ => None,
        }
    }

    /// The record as a JSON object (decodes every value; for callers that need the whole tree).
    pub fn to_value(&self) -> Value {
        let mut m = serde_json::Map::with_capacity(self.entries.len());
        for (k, v) in &self.entries {
            if !self.last_wins && m.contains_key(k.as_ref()) {
                continue;
            }
            m.insert(k.to_string(), v.to_value());
        }
        Value::Object(m)
    }
}

impl<'a> FieldValue<'a> {
    /// The value decoded into a JSON tree (a CSV cell becomes a JSON string).
    pub fn to_value(&self) -> Value {
        match self {
            FieldValue::Json(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
            FieldValue::Text(t) => Value::String(t.to_string()),
            FieldValue::Object(m) => m.to_value(),
            FieldValue::Decoded(v) => v.clone(),
        }
    }

    /// The value as a string when it is one (JSON string decoded, CSV cell as is).
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            FieldValue::Text(t) => Some(Cow::Borrowed(t.as_ref())),
            FieldValue::Json(raw) => json_string(raw.get()),
            FieldValue::Decoded(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
            FieldValue::Object(_) | FieldValue::Decoded(_) => None,
        }
    }

    /// True for values that mean "nothing here" (see [`super::fields::is_blank`]).
    pub fn is_blank(&self) -> bool {
        match self {
            FieldValue::Text(t) => blank_text(t),
            FieldValue::Json(raw) => {
                let r = raw.get();
                match r.as_bytes().first() {
                    Some(b'"') => json_string(r).is_none_or(|s| blank_text(&s)),
                    Some(b'[') | Some(b'{') => r[1..r.len() - 1].trim().is_empty(),
                    Some(b'n') => true,
                    _ => false,
                }
            }
            FieldValue::Object(m) => m.is_empty(),
            FieldValue::Decoded(v) => super::fields::is_blank(v),
        }
    }

    /// A scalar as text: strings trimmed, numbers and booleans printed (see [`super::fields::scalar_text`]).
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            FieldValue::Text(t) => text_scalar(t),
            FieldValue::Json(raw) => {
                let r = raw.get();
                match r.as_bytes().first() {
                    Some(b'"') => json_string(r).and_then(|s| text_scalar(&s)),
                    Some(b'[') | Some(b'{') | Some(b'n') | None => None,
                    _ => super::fields::scalar_text(&self.to_value()),
                }
            }
            FieldValue::Object(_) => None,
            FieldValue::Decoded(v) => super::fields::scalar_text(v),
        }
    }

    /// An object or array, parsing JSON held in a string (see [`super::fields::as_structured`]).
    pub fn structured(&self) -> Option<Value> {
        let text = match self {
            FieldValue::Json(raw) => {
                let r = raw.get();
                match r.as_bytes().first() {
                    Some(b'[') | Some(b'{') => return serde_json::from_str(r).ok(),
                    Some(b'"') => json_string(r)?,
                    _ => return None,
                }
            }
            FieldValue::Text(t) => Cow::Borrowed(t.as_ref()),
            FieldValue::Object(m) => return Some(m.to_value()),
            FieldValue::Decoded(v) => return super::fields::as_structured(v).map(Cow::into_owned),
        };
        let t = text.trim();
        if t.starts_with('{') || t.starts_with('[') {
            serde_json::from_str(t).ok()
        } else {
            None
        }
    }

    /// The elements of a JSON array value, still encoded.
    pub fn array_items(&self) -> Option<Vec<&'a RawValue>> {
        match self {
            FieldValue::Json(raw) if raw.get().starts_with('[') => {
                let raw: &'a RawValue = raw;
                serde_json::from_str(raw.get()).ok()
            }
            _ => None,
        }
    }
}

/// Above this many fields names are hashed with a keyed hash, so a record crafted for collisions cannot make
/// lookups quadratic; below it a fast hash is safe (collisions cost at most this many probes).
const KEYED_HASH_MIN: usize = 1024;

/// Hashes a field name: fast for ordinary records, keyed per process for huge ones.
fn name_hash(key: &str, keyed: bool) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    if keyed {
        static KEY: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
        return KEY.get_or_init(Default::default).hash_one(key);
    }
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(key.as_bytes());
    h.finish()
}

/// The JSON kind of a value, for messages.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The JSON kind of an encoded value, from its first character.
pub fn raw_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "object",
        Some(b'[') => "array",
        Some(b'"') => "string",
        Some(b't') | Some(b'f') => "boolean",
        Some(b'n') => "null",
        _ => "number",
    }
}

/// Decodes an encoded JSON string, borrowing when it holds no escapes.
fn json_string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
}

fn blank_text(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t == "<null>" || t.eq_ignore_ascii_case("null") || t == "[]" || t == "{}"
}

fn text_scalar(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t != "<null>" && !t.eq_ignore_ascii_case("null")).then(|| t.to_string())
}

/// The fields of a JSON object, deserialized without decoding values.
struct Fields<'a>(Vec<(Cow<'a, str>, FieldValue<'a>)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(access.size_hint().unwrap_or(32).min(256));
                while let Some(Name(name)) = access.next_key::<Name<'de>>()? {
                    let value = if CONTAINER_FIELDS.contains(&name.as_ref()) {
                        access.next_value::<Container<'de>>()?.0
                    } else {
                        FieldValue::Json(access.next_value()?)
                    };
                    out.push((name, value));
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(ObjectVisitor)
    }
}

/// A container field's value: an object becomes a nested map, anything else is decoded.
struct Container<'a>(FieldValue<'a>);

impl<'de> Deserialize<'de> for Container<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::SeqAccess;
        struct ContainerVisitor;
        impl<'de> Visitor<'de> for ContainerVisitor {
            type Value = Container<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Self::Value, A::Error> {
                let fields = Fields::deserialize(MapAccessDeserializer::new(access))?;
                Ok(Container(FieldValue::Object(Box::new(LazyMap::build(fields.0, true)))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, access: A) -> Result<Self::Value, A::Error> {
                Ok(Container(FieldValue::Decoded(Value::deserialize(SeqAccessDeserializer::new(access))?)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::String(s.to_string()))))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::Bool(b))))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::from(n))))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::from(n))))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::from(n))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Container(FieldValue::Decoded(Value::Null)))
            }
        }
        d.deserialize_any(ContainerVisitor)
    }
}

/// A field name, borrowed from the record unless it holds escapes.
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(NameVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn borrows_names_and_decodes_on_demand() {
        let text = r#"{"a": "x\"y", "b": 5, "c": null, "d": "  ", "e": {"f": [1, 2]}, "a2": "<null>", "g": "[]"}"#;
        let m = LazyMap::from_json_str(text).unwrap();
        assert_eq!(m.len(), 7);
        assert_eq!(m.get("a").unwrap().scalar_text().as_deref(), Some("x\"y"));
        assert_eq!(m.get("b").unwrap().scalar_text().as_deref(), Some("5"));
        assert!(m.get("c").unwrap().is_blank());
        assert!(m.get("d").unwrap().is_blank());
        assert!(m.get("a2").unwrap().is_blank());
        assert!(m.get("g").unwrap().is_blank());
        assert!(!m.get("e").unwrap().is_blank());
        assert_eq!(m.nested("e").unwrap().get("f").unwrap().to_value(), serde_json::json!([1, 2]));
        assert!(m.get("missing").is_none());
    }

    #[test]
    fn repeated_names_follow_json_and_csv_rules() {
        let mut many: Vec<String> = (0..20).map(|i| format!("\"k{i}\": {i}")).collect();
        many.push("\"k3\": 99".into());
        let text = format!("{{{}}}", many.join(","));
        let m = LazyMap::from_json_str(&text).unwrap();
        assert_eq!(m.get("k3").unwrap().scalar_text().as_deref(), Some("99"));
        let huge: Vec<String> = (0..3000).map(|i| format!("\"n{i}\": {i}")).collect();
        let huge_text = format!("{{{}, \"n7\": \"last\"}}", huge.join(","));
        let huge = LazyMap::from_json_str(&huge_text).unwrap();
        assert_eq!(huge.get("n2999").unwrap().scalar_text().as_deref(), Some("2999"));
        assert_eq!(huge.get("n7").unwrap().scalar_text().as_deref(), Some("last"));
        assert!(huge.get("n3000").is_none());
        let small = LazyMap::from_json_str(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(small.get("a").unwrap().scalar_text().as_deref(), Some("2"));
        let cells = (0..20)
            .map(|i| (Cow::Owned(format!("c{}", i % 15)), Cow::Owned(i.to_string())))
            .collect::<Vec<(Cow<str>, Cow<str>)>>();
        let csv = LazyMap::from_cells(cells);
        assert_eq!(csv.get("c2").unwrap().scalar_text().as_deref(), Some("2"));
    }

    #[test]
    fn strings_holding_json_are_structured() {
        let m = LazyMap::from_cells(vec![(Cow::Borrowed("Loc"), Cow::Borrowed(" {\"city\":\"Azor\"}"))]);
        assert_eq!(m.get("Loc").unwrap().structured(), Some(serde_json::json!({"city": "Azor"})));
        assert!(m.nested("Loc").is_none(), "a cell holding JSON is text, not a nested record");
        let j = LazyMap::from_json_str(r#"{"AuditData": "{\"Id\":\"x\"}"}"#).unwrap();
        assert_eq!(j.get("AuditData").unwrap().structured(), Some(serde_json::json!({"Id": "x"})));
    }

    #[test]
    fn container_fields_read_in_one_pass_whatever_they_hold() {
        let text =
            r#"{"time": "t", "properties": {"id": "x", "n": 2, "loc": {"city": "Azor"}}, "AuditData": "{\"Id\":1}"}"#;
        let m = LazyMap::from_json_str(text).unwrap();
        let props = m.nested("properties").unwrap();
        assert!(matches!(props, Cow::Borrowed(_)), "already parsed while scanning the record");
        assert_eq!(props.get("id").unwrap().scalar_text().as_deref(), Some("x"));
        assert_eq!(props.get("loc").unwrap().structured(), Some(serde_json::json!({"city": "Azor"})));
        assert_eq!(m.get("properties").unwrap().to_value()["n"], serde_json::json!(2));
        let ad = m.get("AuditData").unwrap();
        assert_eq!(ad.as_text().as_deref(), Some("{\"Id\":1}"));
        assert_eq!(ad.structured(), Some(serde_json::json!({"Id": 1})));
        for odd in [r#"{"properties": [1, {"a": null}]}"#, r#"{"properties": null}"#, r#"{"properties": 1.5}"#] {
            let m = LazyMap::from_json_str(odd).unwrap();
            let whole: Value = serde_json::from_str(odd).unwrap();
            assert_eq!(m.get("properties").unwrap().to_value(), whole["properties"]);
            assert!(m.nested("properties").is_none());
        }
    }

    #[test]
    fn non_objects_are_named() {
        assert!(matches!(LazyMap::from_json_str("[1]"), Err(ObjectError::NotObject("array"))));
        assert!(matches!(LazyMap::from_json_str("\"x\""), Err(ObjectError::NotObject("string"))));
        assert!(matches!(LazyMap::from_json_str("{\"a\": }"), Err(ObjectError::Syntax(_))));
    }

    proptest! {
        /// Whatever a field holds, the lazy reading agrees with decoding the whole record.
        #[test]
        fn agrees_with_a_full_parse(pairs in prop::collection::vec((prop_oneof![
            "[a-d]{1,2}".boxed(), Just("properties".to_string()).boxed(), Just("AuditData".to_string()).boxed(),
        ], prop_oneof![
            Just(serde_json::json!(null)), Just(serde_json::json!("")), Just(serde_json::json!(" <null> ")),
            Just(serde_json::json!(1.50)), Just(serde_json::json!(-7)), Just(serde_json::json!(true)),
            Just(serde_json::json!([])), Just(serde_json::json!({})), Just(serde_json::json!({"x": [1, "y"]})),
            ".{0,12}".prop_map(serde_json::Value::String),
        ]), 0..30)) {
            let obj: serde_json::Map<String, Value> = pairs.iter().cloned().collect();
            let text = Value::Object(obj.clone()).to_string();
            let m = LazyMap::from_json_str(&text).unwrap();
            for (k, v) in &obj {
                let f = m.get(k).unwrap();
                prop_assert_eq!(f.is_blank(), super::super::fields::is_blank(v));
                prop_assert_eq!(f.scalar_text(), super::super::fields::scalar_text(v));
                prop_assert_eq!(f.structured(), super::super::fields::as_structured(v).map(|c| c.into_owned()));
                prop_assert_eq!(&f.to_value(), v);
            }
        }

        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(m) = LazyMap::from_json_str(&text) {
                for k in m.keys() {
                    let f = m.get(k).unwrap();
                    let _ = (f.is_blank(), f.scalar_text(), f.structured(), m.nested(k).map(|o| o.len()));
                }
            }
        }
    }
}
