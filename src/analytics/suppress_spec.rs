//! Which allow list an alert of a detection belongs in, as the detection's asset states it (`[suppress]` in
//! `assets/analytics/<id>.toml`), so `harrier suppress` needs no list of detections of its own.

use serde::{Deserialize, Serialize};

/// How an alert of one detection becomes an allow-list change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressSpec {
    /// Add to every list that finds something in the alert, not only the first.
    #[serde(default)]
    pub all: bool,
    /// The lists, in the order they are tried.
    #[serde(default)]
    pub add: Vec<AllowTarget>,
}

/// One allow list and what of an alert goes into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowTarget {
    /// `allow.<key>` for a case-wide list, else a list parameter of the detection itself.
    pub list: String,
    pub take: Take,
    /// Only for alerts whose title holds these words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// What of an alert an allow list takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Take {
    /// Every user, address, app, tenant or mailbox the alert names.
    Users,
    Ips,
    Apps,
    Tenants,
    Mailboxes,
    /// The alert's first user, else its first app.
    UserOrApp,
    /// The first (or last) word of the title that is one of the alert's users: the actor or the person the
    /// title is about.
    FirstUserInTitle,
    LastUserInTitle,
    /// The grantee a grant's title ends with (`… to NAME (id)`), when the alert names it.
    GranteeInTitle,
    /// The domains the alert's reasons say lie outside the tenant (mail sent there).
    OutsideDomains,
}

impl AllowTarget {
    /// The `case.toml` table and key of the list for detection `id`.
    pub fn table_key(&self, id: &str) -> (Vec<String>, String) {
        match self.list.strip_prefix("allow.") {
            Some(key) => (vec!["allow".to_string()], key.to_string()),
            None => (vec!["analytics".to_string(), id.to_string()], self.list.clone()),
        }
    }
}

/// True for a parameter that is an allow list: what it names is suppressed and counted rather than alerted.
pub fn is_allow_list(param: &str) -> bool {
    param.ends_with("allowlist")
        || param.starts_with("allowed_")
        || param.starts_with("approved_")
        || matches!(param, "expected_ips" | "automation_accounts")
}
