//! Detection results as read back from `CASE/.harrier/alerts.json` (the `detect --format json` contract), for the
//! parts of harrier that work on alerts after the run: triage, reports, suppression. Every field is optional on
//! read, so a file written by an older or newer harrier still loads.

use super::engine::Detection;
use super::AnalyticsError;
use crate::index::IndexError;
use crate::model::Severity;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest alerts file read; detection bounds its own output far below this.
const MAX_ALERTS_FILE: u64 = 512 * 1024 * 1024;

/// Why saved results could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a detection result: {message}")]
    Corrupt { path: String, message: String },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Analytics(#[from] AnalyticsError),
    #[error(transparent)]
    Facts(#[from] crate::facts::FactsError),
}

/// The entities of a saved alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedEntities {
    pub users: Vec<String>,
    pub ips: Vec<String>,
    pub sessions: Vec<String>,
    pub mailboxes: Vec<String>,
    pub apps: Vec<String>,
    pub app_names: BTreeMap<String, String>,
    pub tenants: Vec<String>,
}

impl SavedEntities {
    /// Every entity as (query field, value), in the order the alert detail lists them.
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

/// The ATT&CK ids carried by an alert.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedAttack {
    pub analytic: String,
    pub detection_strategy: String,
    pub techniques: Vec<String>,
}

/// One saved alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedAlert {
    pub id: String,
    pub analytic: String,
    #[serde(default)]
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub first_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_seen: Option<DateTime<Utc>>,
    #[serde(default)]
    pub entities: SavedEntities,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub attack: SavedAttack,
    /// The incident the alert belongs to.
    #[serde(default)]
    pub incident: Option<String>,
    /// The rule that raised it: one of harrier's detections, or a Sigma rule with its author and provenance.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "lenient")]
    pub rule: Option<super::alert::RuleRef>,
    /// What the case's baseline held that made this unusual (sentences; another shape is ignored rather than
    /// making the whole file unreadable). Read for the workbench; reports do not repeat it.
    #[serde(default, deserialize_with = "sentences", skip_serializing)]
    pub baseline: Vec<String>,
}

fn lenient<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned + Default>(d: D) -> Result<T, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(v).unwrap_or_default())
}

fn sentences<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default())
}

/// One log source in the coverage section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSourceCoverage {
    pub source: String,
    pub events: u64,
    pub first_day: String,
    pub last_day: String,
    pub days: usize,
    pub missing_day_count: usize,
}

/// How one analytic fared with the case's sources.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedAnalyticCoverage {
    pub analytic: String,
    pub status: String,
    pub sources_present: Vec<String>,
    pub sources_missing: Vec<String>,
    pub notes: Vec<String>,
}

/// The coverage section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedCoverage {
    pub timezone: String,
    pub events: u64,
    pub events_without_time: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub sources: Vec<SavedSourceCoverage>,
    pub analytics: Vec<SavedAnalyticCoverage>,
}

/// A counted suppression.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSuppression {
    pub analytic: String,
    pub rule: String,
    pub matched: String,
    pub count: u64,
}

/// A whole saved detection run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedDetection {
    pub alerts: Vec<SavedAlert>,
    /// Read leniently, like the coverage: a section in another shape (an older or newer harrier) is left empty
    /// rather than hiding the alerts.
    #[serde(deserialize_with = "lenient")]
    pub suppressions: Vec<SavedSuppression>,
    #[serde(deserialize_with = "lenient")]
    pub coverage: SavedCoverage,
    pub generated: Option<DateTime<Utc>>,
    /// The alerts grouped into incidents (absent in results saved before incidents existed).
    #[serde(deserialize_with = "lenient")]
    pub incidents: Vec<super::incidents::Incident>,
}

impl SavedDetection {
    /// The alert with this id.
    pub fn alert(&self, id: &str) -> Option<&SavedAlert> {
        self.alerts.iter().find(|a| a.id == id.trim())
    }

    /// The same shape from a run just made.
    pub fn from_detection(d: &Detection) -> SavedDetection {
        serde_json::to_value(d).ok().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default()
    }
}

/// Reads a saved run; `Ok(None)` when there is none.
pub fn load(path: &Path) -> Result<Option<SavedDetection>, SavedError> {
    let io = |source| SavedError::Io { path: path.display().to_string(), source };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if meta.len() > MAX_ALERTS_FILE {
        return Err(SavedError::Corrupt {
            path: path.display().to_string(),
            message: format!("{} bytes is larger than any detection result", meta.len()),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| SavedError::Corrupt { path: path.display().to_string(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_none_corrupt_names_file_and_extra_fields_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("alerts.json");
        assert!(load(&p).unwrap().is_none());
        std::fs::write(
            &p,
            r#"{"alerts":[{"id":"an0534-1","analytic":"AN0534","severity":"high","new_field":1,
                "entities":{"users":["a@x.example"]},"attack":{"techniques":["T1119"]}}],"coverage":{"events":3}}"#,
        )
        .unwrap();
        let d = load(&p).unwrap().unwrap();
        assert_eq!(d.alert("an0534-1").unwrap().entities.users, vec!["a@x.example"]);
        assert_eq!(d.alerts[0].attack.techniques, vec!["T1119"]);
        assert_eq!(d.coverage.events, 3);
        std::fs::write(&p, "{").unwrap();
        assert!(load(&p).unwrap_err().to_string().contains("alerts.json"));
    }
}
