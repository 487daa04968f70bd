//! One snapshot record, a CSV row or a JSON object, read by column name in any letter case.

use serde_json::{Map, Value};
use std::collections::HashMap;

/// A record's values by lower-case column or field name (the first of a repeated name wins).
#[derive(Debug, Default)]
pub struct Row {
    values: HashMap<String, Value>,
}

impl Row {
    /// A CSV row read against its header.
    pub fn from_csv(headers: &[String], cells: Vec<String>) -> Row {
        let mut values = HashMap::with_capacity(headers.len());
        for (h, c) in headers.iter().zip(cells) {
            values.entry(h.to_lowercase()).or_insert(Value::String(c));
        }
        Row { values }
    }

    /// A JSON object.
    pub fn from_object(object: Map<String, Value>) -> Row {
        let mut values = HashMap::with_capacity(object.len());
        for (k, v) in object {
            values.entry(k.to_lowercase()).or_insert(v);
        }
        Row { values }
    }

    /// The value at a lower-case `name`, or `parent.child` inside a nested object (or JSON held in text).
    pub fn get(&self, name: &str) -> Option<Value> {
        let mut parts = name.split('.');
        let mut cur = self.values.get(parts.next()?)?.clone();
        for part in parts {
            cur = member(&cur, part)?;
        }
        Some(cur)
    }
}

/// The member `name` (any case) of an object, or of JSON text holding one.
fn member(v: &Value, name: &str) -> Option<Value> {
    let parsed;
    let obj = match v {
        Value::Object(o) => o,
        Value::String(s) if s.trim_start().starts_with('{') => {
            parsed = serde_json::from_str::<Value>(s).ok()?;
            parsed.as_object()?
        }
        _ => return None,
    };
    obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_in_any_case_and_nested_members() {
        let row = Row::from_csv(
            &["IPAddress".into(), "Location".into()],
            vec!["1.2.3.4".into(), r#"{"City":"Gent"}"#.into()],
        );
        assert_eq!(row.get("ipaddress"), Some(json!("1.2.3.4")));
        assert_eq!(row.get("location.city"), Some(json!("Gent")));
        assert_eq!(row.get("location.country"), None);
        let Value::Object(o) = json!({"ipAddress": "5.6.7.8", "location": {"countryOrRegion": "BE"}}) else { panic!() };
        let row = Row::from_object(o);
        assert_eq!(row.get("ipaddress"), Some(json!("5.6.7.8")));
        assert_eq!(row.get("location.countryorregion"), Some(json!("BE")));
        assert_eq!(row.get("ipaddress.x"), None);
    }
}
