//! Answer-key entries: what was planted (and must alert) and what only looks like it (and must not).

use super::clock;
use super::records::Rec;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Entities of a planted item, normalised as `detect` reports them (lower case, IPs without ports).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Entities {
    pub users: Vec<String>,
    pub ips: Vec<String>,
    pub sessions: Vec<String>,
    pub mailboxes: Vec<String>,
    pub apps: Vec<String>,
}

impl Entities {
    /// Lower-cases, sorts and de-duplicates every list.
    pub fn normalised(mut self) -> Entities {
        for list in [&mut self.users, &mut self.ips, &mut self.sessions, &mut self.mailboxes, &mut self.apps] {
            for v in list.iter_mut() {
                *v = v.to_ascii_lowercase();
            }
            list.sort();
            list.dedup();
        }
        self
    }
}

/// The time span of a planted item.
#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub from: String,
    pub to: String,
}

impl Window {
    /// The span of a slice of records (empty slice: a zero-length window at `fallback`).
    pub fn of(records: &[Rec], fallback: DateTime<Utc>) -> Window {
        let from = records.iter().map(|r| r.ts).min().unwrap_or(fallback);
        let to = records.iter().map(|r| r.ts).max().unwrap_or(fallback);
        Window { from: clock::iso_secs(from), to: clock::iso_secs(to) }
    }
}

/// One answer-key entry.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    pub planted: bool,
    pub id: String,
    pub analytic: &'static str,
    /// Title for planted items, description for look-alikes.
    pub text: String,
    pub entities: Entities,
    pub window: Window,
    pub min_severity: &'static str,
}

impl KeyEntry {
    /// The entry as the answer key's JSON.
    pub fn to_json(&self) -> serde_json::Value {
        if self.planted {
            serde_json::json!({
                "id": self.id, "analytic": self.analytic, "title": self.text,
                "entities": self.entities, "window": self.window, "min_severity": self.min_severity
            })
        } else {
            serde_json::json!({
                "id": self.id, "analytic": self.analytic, "description": self.text,
                "entities": self.entities, "window": self.window
            })
        }
    }
}
