//! Sigma rules that overlap one of harrier's own detections (`assets/sigma/native.toml`), so their alerts get
//! that detection's runbook too.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const NATIVE: &str = include_str!("../../../assets/sigma/native.toml");

#[derive(Deserialize, Default)]
struct NativeFile {
    rules: BTreeMap<String, String>,
}

fn table() -> &'static BTreeMap<String, String> {
    static TABLE: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    TABLE.get_or_init(|| toml::from_str::<NativeFile>(NATIVE).map(|f| f.rules).unwrap_or_default())
}

/// The harrier detection a Sigma rule overlaps, if any.
pub fn detection_for(rule_id: &str) -> Option<&'static str> {
    table().get(&rule_id.to_ascii_lowercase()).map(String::as_str)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_parses_and_names_registered_detections() {
        let t = super::table();
        assert!(!t.is_empty());
        for det in t.values() {
            assert!(crate::analytics::registry::find(det).is_some(), "{det} is not a registered detection");
        }
    }
}
