//! `AlertEntities`: the five entity lists an alert names, which fill the placeholders of runbook pivots.

use super::template::Placeholder;
use serde::{Deserialize, Serialize};

/// The entities of one alert, in the shape of the `entities` object of `detect --format json`.
/// Runbook pivots draw their values from these lists; the analytics produce exactly these five.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertEntities {
    /// User principal names, lower-case.
    pub users: Vec<String>,
    /// IP addresses as text.
    pub ips: Vec<String>,
    /// Entra session ids (`SessionId` / `AADSessionId`).
    pub sessions: Vec<String>,
    /// Mailbox owners' addresses, lower-case.
    pub mailboxes: Vec<String>,
    /// App ids (lower-case GUIDs) and app names.
    pub apps: Vec<String>,
}

impl AlertEntities {
    /// The list a placeholder stands for.
    pub fn values(&self, placeholder: Placeholder) -> &[String] {
        match placeholder {
            Placeholder::Users => &self.users,
            Placeholder::Ips => &self.ips,
            Placeholder::Sessions => &self.sessions,
            Placeholder::Mailboxes => &self.mailboxes,
            Placeholder::Apps => &self.apps,
        }
    }

    /// True when the alert names no entity at all.
    pub fn is_empty(&self) -> bool {
        Placeholder::ALL.iter().all(|p| self.values(*p).is_empty())
    }
}
