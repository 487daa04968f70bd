//! Saved alerts as the workbench shows them (`CASE/.harrier/alerts.json`, the `detect --format json` contract):
//! the queue's order and filters, and the pivots of one alert.

use crate::analytics::saved;
use crate::case::state::TriageStatus;
use crate::model::Severity;

/// One saved alert: the same type reports, triage and suppression read.
pub type Alert = saved::SavedAlert;
/// The entities an alert names, each a pivot.
pub type AlertEntities = saved::SavedEntities;

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

/// Most severe first, then earliest first seen, then id.
pub fn sort(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(a.first_seen.cmp(&b.first_seen)).then_with(|| a.id.cmp(&b.id))
    });
}

/// Alerts queue filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub min_severity: Option<Severity>,
    pub analytic: Option<String>,
    pub status: Option<StatusFilter>,
    /// The queue lists alerts incident by incident (worst incident first, each in time order).
    pub by_incident: bool,
}

/// Orders alerts incident by incident: incidents by their worst alert, then their first alert's time; alerts
/// inside an incident in time order. An alert without an incident is an incident of its own.
pub fn sort_by_incident(alerts: &mut Vec<&Alert>) {
    use std::collections::HashMap;
    let key = |a: &Alert| a.incident.clone().unwrap_or_else(|| a.id.clone());
    let mut rank: HashMap<String, (Severity, Option<chrono::DateTime<chrono::Utc>>)> = HashMap::new();
    for a in alerts.iter() {
        let e = rank.entry(key(a)).or_insert((a.severity, a.first_seen));
        e.0 = e.0.max(a.severity);
        e.1 = match (e.1, a.first_seen) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
    }
    alerts.sort_by(|a, b| {
        let (ka, kb) = (key(a), key(b));
        let (ra, rb) = (rank[&ka], rank[&kb]);
        rb.0.cmp(&ra.0)
            .then(ra.1.cmp(&rb.1))
            .then(ka.cmp(&kb))
            .then(a.first_seen.cmp(&b.first_seen))
            .then(a.id.cmp(&b.id))
    });
}

/// Which triage statuses the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// New or investigating.
    Open,
    Only(TriageStatus),
}

impl StatusFilter {
    /// The filter after this one, `None` when the cycle is back at "any".
    pub fn next(cur: Option<StatusFilter>) -> Option<StatusFilter> {
        use TriageStatus::*;
        match cur {
            None => Some(StatusFilter::Open),
            Some(StatusFilter::Open) => Some(StatusFilter::Only(New)),
            Some(StatusFilter::Only(New)) => Some(StatusFilter::Only(Investigating)),
            Some(StatusFilter::Only(Investigating)) => Some(StatusFilter::Only(TruePositive)),
            Some(StatusFilter::Only(TruePositive)) => Some(StatusFilter::Only(FalsePositive)),
            Some(StatusFilter::Only(FalsePositive)) => Some(StatusFilter::Only(BenignPositive)),
            Some(StatusFilter::Only(BenignPositive)) => None,
        }
    }

    /// True when an alert of status `s` passes.
    pub fn passes(self, s: TriageStatus) -> bool {
        match self {
            StatusFilter::Open => !s.is_closed(),
            StatusFilter::Only(o) => o == s,
        }
    }

    /// How the queue header names it.
    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::Only(s) => s.as_str(),
        }
    }
}

/// The selectable lines of an alert detail: its entities (pivots), then its evidence ids.
pub fn alert_items(alert: &Alert) -> Vec<(&'static str, String)> {
    let mut items = alert.entities.pivots();
    items.extend(alert.evidence.iter().map(|e| ("id", e.clone())));
    items
}
