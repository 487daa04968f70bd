//! Field access over one parsed record, tolerant of the spellings exports use for the same field.

use super::lazy::{FieldValue, LazyMap};
use serde_json::Value;
use std::borrow::Cow;

/// A parsed record (JSON object, or a CSV row as an object of strings) read through the spellings of its fields.
#[derive(Clone, Copy)]
pub struct Rec<'a> {
    pub map: &'a LazyMap<'a>,
}

/// True for values that mean "nothing here".
pub fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => {
            let t = s.trim();
            t.is_empty() || t == "<null>" || t.eq_ignore_ascii_case("null") || t == "[]" || t == "{}"
        }
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A scalar value as text (strings trimmed; numbers and booleans printed).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty() && t != "<null>" && !t.eq_ignore_ascii_case("null")).then(|| t.to_string())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Any value as text: scalars printed, objects and arrays as compact JSON.
pub fn any_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Array(_) | Value::Object(_) => Some(v.to_string()),
        other => scalar_text(other),
    }
}

/// Parses JSON held in a string column (Log Analytics CSV and some JSON exports store dynamic values so).
pub fn as_structured(v: &Value) -> Option<Cow<'_, Value>> {
    match v {
        Value::Object(_) | Value::Array(_) => Some(Cow::Borrowed(v)),
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                serde_json::from_str::<Value>(t).ok().map(Cow::Owned)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Walks a path of object keys.
pub fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_object()?.get(*k)?;
    }
    Some(cur)
}

/// Text at a path of keys.
pub fn text_at(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path).and_then(scalar_text)
}

/// Reads a boolean from `true`, `"True"`, `"TRUE"`, `1`.
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Reads an integer from a number or a numeric string.
pub fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a number from a number or a numeric string.
pub fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// `[{Name,Value}]`, `[{key,value}]`, `[{name,value}]` lists as name → value pairs (values that are not
/// strings become compact JSON).
pub fn name_values(v: &Value) -> Vec<(String, String)> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Some(o) = item.as_object() else { continue };
        let name = ["Name", "name", "key", "Key"].iter().find_map(|k| o.get(*k).and_then(scalar_text));
        let Some(name) = name else { continue };
        let value = ["Value", "value"].iter().find_map(|k| o.get(*k)).and_then(any_text).unwrap_or_default();
        out.push((name, value));
    }
    out
}

/// A nested object of a record (`location`, `status`, `AppAccessContext`…), read with the record's rules.
pub enum Obj<'a> {
    Lazy(Cow<'a, LazyMap<'a>>),
    Tree(Value),
}

impl Obj<'_> {
    /// A scalar member as text (see [`scalar_text`]).
    pub fn text(&self, key: &str) -> Option<String> {
        match self {
            Obj::Lazy(m) => m.get(key).and_then(FieldValue::scalar_text),
            Obj::Tree(v) => text_at(v, &[key]),
        }
    }

    /// An integer member (see [`as_i64`]).
    pub fn int(&self, key: &str) -> Option<i64> {
        match self {
            Obj::Lazy(m) => m.get(key).and_then(|v| as_i64(&v.to_value())),
            Obj::Tree(v) => at(v, &[key]).and_then(as_i64),
        }
    }

    /// A boolean member (see [`as_bool`]).
    pub fn boolean(&self, key: &str) -> Option<bool> {
        match self {
            Obj::Lazy(m) => m.get(key).and_then(|v| as_bool(&v.to_value())),
            Obj::Tree(v) => at(v, &[key]).and_then(as_bool),
        }
    }

    /// A number at a path of keys inside the object (`geoCoordinates.latitude`), see [`as_f64`].
    pub fn number_at(&self, path: &[&str]) -> Option<f64> {
        match self {
            Obj::Lazy(m) => {
                let (first, rest) = path.split_first()?;
                let v = m.get(first)?.to_value();
                at(&v, rest).and_then(as_f64)
            }
            Obj::Tree(v) => at(v, path).and_then(as_f64),
        }
    }
}

impl<'a> Rec<'a> {
    /// Wraps a record.
    pub fn new(map: &'a LazyMap<'a>) -> Self {
        Rec { map }
    }

    /// The first of `keys` that is present and not blank.
    pub fn get(&self, keys: &[&str]) -> Option<&'a FieldValue<'a>> {
        keys.iter().filter_map(|k| self.map.get(k)).find(|v| !v.is_blank())
    }

    /// True when any of `keys` is present (even blank).
    pub fn has(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.map.contains_key(k))
    }

    /// Text of the first present, non-blank field.
    pub fn text(&self, keys: &[&str]) -> Option<String> {
        keys.iter().filter_map(|k| self.map.get(k)).find_map(FieldValue::scalar_text)
    }

    /// Lower-cased text of the first present field.
    pub fn lower(&self, keys: &[&str]) -> Option<String> {
        self.text(keys).map(|s| s.to_lowercase())
    }

    /// The first present field holding an object or array, parsing JSON strings.
    pub fn structured(&self, keys: &[&str]) -> Option<Value> {
        keys.iter().filter_map(|k| self.map.get(k)).find_map(FieldValue::structured)
    }

    /// The first present field holding an object. A JSON object is read lazily, like the record itself; only
    /// JSON text held in a string cell is decoded into a tree.
    pub fn object(&self, keys: &[&str]) -> Option<Obj<'a>> {
        keys.iter().find_map(|k| match self.map.get(k)? {
            FieldValue::Object(_) => self.map.nested(k).map(Obj::Lazy),
            FieldValue::Json(raw) if raw.get().starts_with('{') => self.map.nested(k).map(Obj::Lazy),
            v => v.structured().filter(Value::is_object).map(Obj::Tree),
        })
    }

    /// Boolean field.
    pub fn boolean(&self, keys: &[&str]) -> Option<bool> {
        keys.iter().filter_map(|k| self.map.get(k)).find_map(|v| as_bool(&v.to_value()))
    }

    /// Integer field.
    pub fn int(&self, keys: &[&str]) -> Option<i64> {
        keys.iter().filter_map(|k| self.map.get(k)).find_map(|v| as_i64(&v.to_value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blanks_and_placeholders() {
        let text = json!({"a": "", "b": "<null>", "c": null, "d": " x ", "e": 5}).to_string();
        let m = LazyMap::from_json_str(&text).unwrap();
        let r = Rec::new(&m);
        assert_eq!(r.text(&["a", "b", "c", "d"]), Some("x".into()));
        assert_eq!(r.text(&["e"]), Some("5".into()));
        assert!(r.get(&["a", "b", "c"]).is_none());
    }

    #[test]
    fn json_in_string_columns() {
        let text = json!({"LocationDetails": "{\"countryOrRegion\":\"IL\",\"city\":\"Azor\"}"}).to_string();
        let m = LazyMap::from_json_str(&text).unwrap();
        let r = Rec::new(&m);
        let loc = r.structured(&["LocationDetails"]).unwrap();
        assert_eq!(text_at(&loc, &["countryOrRegion"]), Some("IL".into()));
    }

    #[test]
    fn nested_objects_read_alike_whether_json_or_text_holding_json() {
        let lazy =
            json!({"status": {"errorCode": 50126, "failureReason": " Bad password "}, "dev": {"isManaged": "True"}});
        let text =
            json!({"Status": "Success", "status": "{\"errorCode\":\"50126\",\"failureReason\":\"Bad password\"}"});
        for doc in [lazy.to_string(), text.to_string()] {
            let m = LazyMap::from_json_str(&doc).unwrap();
            let r = Rec::new(&m);
            // A plain-text `Status` is not an object; the next spelling is used.
            let s = r.object(&["Status", "status"]).unwrap();
            assert_eq!(s.int("errorCode"), Some(50126), "{doc}");
            assert_eq!(s.text("failureReason").as_deref(), Some("Bad password"));
            assert_eq!(s.text("missing"), None);
        }
        let lazy_text = lazy.to_string();
        let m = LazyMap::from_json_str(&lazy_text).unwrap();
        assert_eq!(Rec::new(&m).object(&["dev"]).unwrap().boolean("isManaged"), Some(true));
        let list = json!({"loc": [1, 2], "bad": "{not json"}).to_string();
        let m = LazyMap::from_json_str(&list).unwrap();
        assert!(Rec::new(&m).object(&["loc", "bad"]).is_none(), "arrays and broken JSON are not objects");
        let csv = LazyMap::from_cells(vec![("LocationDetails".into(), r#"{"city":"Azor"}"#.into())]);
        assert_eq!(Rec::new(&csv).object(&["LocationDetails"]).unwrap().text("city").as_deref(), Some("Azor"));
    }

    #[test]
    fn name_value_lists() {
        let v = json!([{"Name": "Identity", "Value": "ceo"}, {"key": "User-Agent", "value": "x"}, {"Name": "N", "Value": {"a": 1}}]);
        assert_eq!(
            name_values(&v),
            vec![
                ("Identity".into(), "ceo".into()),
                ("User-Agent".into(), "x".into()),
                ("N".into(), "{\"a\":1}".into())
            ]
        );
    }
}
