//! Triage decisions per alert (`triage.json`): the current status with its reason, who set it and when, and the
//! history of every change. Closing an alert (true, false or benign positive) needs a reason.

use super::files::{load_json, save_json};
use super::{CaseState, StateError};
use crate::analytics::saved::SavedAlert;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Longest reason kept.
pub const MAX_REASON_CHARS: usize = 4000;

/// Most history entries kept per alert; the oldest go first.
pub const MAX_HISTORY: usize = 500;

/// Where an alert stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriageStatus {
    #[default]
    New,
    Investigating,
    TruePositive,
    FalsePositive,
    BenignPositive,
}

impl TriageStatus {
    /// Every status, in the order a report lists them.
    pub const ALL: [TriageStatus; 5] = [
        TriageStatus::TruePositive,
        TriageStatus::Investigating,
        TriageStatus::New,
        TriageStatus::BenignPositive,
        TriageStatus::FalsePositive,
    ];

    /// Stable name, as stored and as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageStatus::New => "new",
            TriageStatus::Investigating => "investigating",
            TriageStatus::TruePositive => "true_positive",
            TriageStatus::FalsePositive => "false_positive",
            TriageStatus::BenignPositive => "benign_positive",
        }
    }

    /// Heading for reports.
    pub fn title(self) -> &'static str {
        match self {
            TriageStatus::New => "New",
            TriageStatus::Investigating => "Investigating",
            TriageStatus::TruePositive => "True positive",
            TriageStatus::FalsePositive => "False positive",
            TriageStatus::BenignPositive => "Benign positive",
        }
    }

    /// True for the statuses that close an alert and so need a reason.
    pub fn is_closed(self) -> bool {
        matches!(self, TriageStatus::TruePositive | TriageStatus::FalsePositive | TriageStatus::BenignPositive)
    }
}

impl fmt::Display for TriageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TriageStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match k.as_str() {
            "new" => TriageStatus::New,
            "investigating" | "open" => TriageStatus::Investigating,
            "true_positive" | "tp" => TriageStatus::TruePositive,
            "false_positive" | "fp" => TriageStatus::FalsePositive,
            "benign_positive" | "bp" | "benign" => TriageStatus::BenignPositive,
            _ => {
                return Err(format!(
                    "unknown status '{s}' (new, investigating, true_positive|tp, false_positive|fp, benign_positive|bp)"
                ))
            }
        })
    }
}

/// One change of status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageChange {
    pub status: TriageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// An alert's triage: the current decision and how it got there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriageEntry {
    pub status: TriageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Every change, oldest first, the current one last.
    #[serde(default)]
    pub history: Vec<TriageChange>,
}

/// Every alert's triage, keyed by alert id (the `triage.json` document).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TriageBook {
    #[serde(default)]
    pub alerts: BTreeMap<String, TriageEntry>,
}

impl TriageBook {
    /// The status of an alert; never triaged means new.
    pub fn status_of(&self, alert_id: &str) -> TriageStatus {
        self.alerts.get(alert_id).map(|e| e.status).unwrap_or_default()
    }

    /// The entry of an alert, if it was ever triaged.
    pub fn get(&self, alert_id: &str) -> Option<&TriageEntry> {
        self.alerts.get(alert_id)
    }

    fn apply(&mut self, alert_id: &str, change: TriageChange) -> TriageEntry {
        let entry = self.alerts.entry(alert_id.to_string()).or_insert_with(|| TriageEntry {
            status: TriageStatus::New,
            reason: None,
            by: change.by.clone(),
            at: change.at,
            history: Vec::new(),
        });
        entry.status = change.status;
        entry.reason = change.reason.clone();
        entry.by = change.by.clone();
        entry.at = change.at;
        entry.history.push(change);
        if entry.history.len() > MAX_HISTORY {
            let extra = entry.history.len() - MAX_HISTORY;
            entry.history.drain(..extra);
        }
        entry.clone()
    }
}

/// An entity an alert may name, for bulk triage: `user:`, `ip:`, `app:`, `mailbox:`, `session:` or `tenant:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityFilter {
    pub kind: String,
    pub value: String,
}

impl FromStr for EntityFilter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| format!("'{s}' is not KIND:VALUE (user ip app mailbox session tenant incident)"))?;
        let kind = kind.trim().to_ascii_lowercase();
        let value = value.trim();
        if !["user", "ip", "app", "mailbox", "session", "tenant", "incident"].contains(&kind.as_str()) {
            return Err(format!("unknown entity kind '{kind}' (user ip app mailbox session tenant incident)"));
        }
        if value.is_empty() {
            return Err(format!("'{kind}:' needs a value"));
        }
        Ok(EntityFilter { kind, value: value.to_string() })
    }
}

impl EntityFilter {
    /// True when the alert names this entity (case-insensitive; apps match by id or name).
    pub fn matches(&self, alert: &SavedAlert) -> bool {
        let e = &alert.entities;
        let v = self.value.as_str();
        let any = |list: &[String]| list.iter().any(|x| x.eq_ignore_ascii_case(v));
        match self.kind.as_str() {
            "user" => any(&e.users),
            "ip" => any(&e.ips),
            "mailbox" => any(&e.mailboxes),
            "session" => any(&e.sessions),
            "tenant" => any(&e.tenants),
            "incident" => alert.incident.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(v)),
            _ => any(&e.apps) || e.app_names.values().any(|n| n.eq_ignore_ascii_case(v)),
        }
    }
}

/// Checks a status change: a closing status needs a non-empty reason; reasons are bounded.
fn checked_reason(status: TriageStatus, reason: Option<&str>) -> Result<Option<String>, StateError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if status.is_closed() && reason.is_none() {
        return Err(StateError::Refused(format!(
            "closing an alert as {status} needs a reason (what was checked and what it showed)"
        )));
    }
    if let Some(r) = reason {
        if r.chars().count() > MAX_REASON_CHARS {
            return Err(StateError::Refused(format!("the reason is longer than {MAX_REASON_CHARS} characters")));
        }
    }
    Ok(reason.map(str::to_string))
}

impl CaseState {
    /// Where triage decisions live.
    pub fn triage_path(&self) -> PathBuf {
        self.dir.join(crate::case::paths::TRIAGE)
    }

    /// Every triage decision.
    pub fn triage(&self) -> Result<TriageBook, StateError> {
        load_json(&self.triage_path())
    }

    /// Sets an alert's status. Closing statuses need a reason.
    pub fn set_triage(
        &self,
        alert_id: &str,
        status: TriageStatus,
        reason: Option<&str>,
    ) -> Result<TriageEntry, StateError> {
        let alert_id = alert_id.trim();
        if alert_id.is_empty() {
            return Err(StateError::Refused("an alert id is needed".into()));
        }
        let reason = checked_reason(status, reason)?;
        let _lock = self.write_lock("harrier triage")?;
        let mut book = self.triage()?;
        let change = TriageChange { status, reason: reason.clone(), by: self.actor.clone(), at: self.now() };
        let entry = book.apply(alert_id, change);
        save_json(&self.triage_path(), &book)?;
        self.log_activity(
            "triage",
            serde_json::json!({"alert": alert_id, "status": status.as_str(), "reason": reason}),
        )?;
        Ok(entry)
    }

    /// Sets the status of every alert naming `entity`; returns the ids changed (none is an error, so a typo in
    /// the entity does not pass silently).
    pub fn bulk_triage(
        &self,
        alerts: &[SavedAlert],
        entity: &EntityFilter,
        status: TriageStatus,
        reason: Option<&str>,
    ) -> Result<Vec<String>, StateError> {
        let reason = checked_reason(status, reason)?;
        let ids: Vec<String> = alerts.iter().filter(|a| entity.matches(a)).map(|a| a.id.clone()).collect();
        if ids.is_empty() {
            return Err(StateError::Refused(format!("no alert names {}:{}", entity.kind, entity.value)));
        }
        let _lock = self.write_lock("harrier triage --entity")?;
        let mut book = self.triage()?;
        let now = self.now();
        for id in &ids {
            let change = TriageChange { status, reason: reason.clone(), by: self.actor.clone(), at: now };
            book.apply(id, change);
        }
        save_json(&self.triage_path(), &book)?;
        self.log_activity(
            "triage.bulk",
            serde_json::json!({
                "entity": format!("{}:{}", entity.kind, entity.value),
                "status": status.as_str(),
                "reason": reason,
                "alerts": ids,
            }),
        )?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_is_an_entity_that_names_its_alerts() {
        let f: EntityFilter = "incident:INC-42".parse().unwrap();
        let mut a: SavedAlert = serde_json::from_str(r#"{"id":"a","analytic":"AN0534","severity":"high"}"#).unwrap();
        assert!(!f.matches(&a), "an alert of no incident");
        a.incident = Some("inc-42".into());
        assert!(f.matches(&a));
        assert!("incidents:x".parse::<EntityFilter>().unwrap_err().contains("incident"));
    }
}
