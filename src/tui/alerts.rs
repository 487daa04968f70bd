//! Reading saved detection results (`CASE/.harrier/alerts.json`, the `detect --format json` contract).

use crate::model::Severity;
use serde::Deserialize;
use std::path::Path;

/// The entities an alert names, each a pivot.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct AlertEntities {
    #[serde(default)]
    pub users: Vec<String>,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default)]
    pub sessions: Vec<String>,
    #[serde(default)]
    pub mailboxes: Vec<String>,
    #[serde(default)]
    pub apps: Vec<String>,
    /// App id → display name, where detection knew one.
    #[serde(default)]
    pub app_names: std::collections::BTreeMap<String, String>,
}

impl AlertEntities {
    /// Every entity as (query field, value), in the order the detail view lists them.
    pub fn pivots(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for (field, list) in [
            ("user", &self.users),
            ("ip", &self.ips),
            ("session", &self.sessions),
            ("mailbox", &self.mailboxes),
            ("app", &self.apps),
        ] {
            out.extend(list.iter().map(|v| (field, v.clone())));
        }
        out
    }
}

/// One alert as saved by `detect`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Alert {
    pub id: String,
    pub analytic: String,
    #[serde(default)]
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub first_seen: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub last_seen: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub entities: AlertEntities,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
    /// What the case's baseline held that made this unusual (a list of sentences; other shapes are ignored
    /// rather than making the whole file unreadable).
    #[serde(default, deserialize_with = "sentences")]
    pub baseline: Vec<String>,
}

fn sentences<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default())
}

#[derive(Debug, Deserialize)]
struct AlertFile {
    #[serde(default)]
    alerts: Vec<Alert>,
}

/// What the alerts file said: not there yet, unreadable, or a list.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum AlertsState {
    /// Detection has not been run for this case.
    #[default]
    NotRun,
    /// The file exists but could not be read; the message names it.
    Unreadable(String),
    /// The saved alerts, sorted most severe first, then by first seen.
    Loaded(Vec<Alert>),
}

impl AlertsState {
    /// The alerts, empty unless loaded.
    pub fn list(&self) -> &[Alert] {
        match self {
            AlertsState::Loaded(v) => v,
            _ => &[],
        }
    }
}

/// Reads `path`; a missing file means detection has not been run.
pub fn load(path: &Path) -> AlertsState {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return AlertsState::NotRun,
        Err(e) => return AlertsState::Unreadable(format!("{}: {e}", path.display())),
    };
    match serde_json::from_slice::<AlertFile>(&bytes) {
        Ok(f) => {
            let mut alerts = f.alerts;
            sort(&mut alerts);
            AlertsState::Loaded(alerts)
        }
        Err(e) => AlertsState::Unreadable(format!("{}: {e}", path.display())),
    }
}

/// Most severe first, then earliest first seen, then id.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(a.first_seen.cmp(&b.first_seen)).then_with(|| a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_not_run_and_extra_fields_are_tolerated() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.json");
        assert_eq!(load(&p), AlertsState::NotRun);
        std::fs::write(
            &p,
            r#"{"alerts":[{"id":"a","analytic":"AN1","severity":"low","extra":1},
               {"id":"b","analytic":"AN2","severity":"critical","entities":{"users":["x"]}}],"coverage":{}}"#,
        )
        .unwrap();
        let s = load(&p);
        assert_eq!(s.list().len(), 2);
        assert_eq!(s.list()[0].id, "b");
        std::fs::write(&p, "not json").unwrap();
        assert!(matches!(load(&p), AlertsState::Unreadable(m) if m.contains("alerts.json")));
    }

    #[test]
    fn baseline_sentences_and_app_names_are_read_and_other_shapes_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.json");
        std::fs::write(
            &p,
            r#"{"alerts":[{"id":"a","analytic":"AN1","severity":"high","baseline":["used curl on 0 days"],
               "entities":{"apps":["x1"],"app_names":{"x1":"Graph"}}},
               {"id":"b","analytic":"AN2","severity":"low","baseline":{"rules_30d":0}}]}"#,
        )
        .unwrap();
        let s = load(&p);
        let a = s.list().iter().find(|a| a.id == "a").unwrap();
        assert_eq!(a.baseline, vec!["used curl on 0 days"]);
        assert_eq!(a.entities.app_names.get("x1").map(String::as_str), Some("Graph"));
        assert!(s.list().iter().find(|a| a.id == "b").unwrap().baseline.is_empty());
    }
}
