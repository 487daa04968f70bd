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
