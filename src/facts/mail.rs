//! Mailbox facts: the inbox rules of a mailbox and its own forwarding, as a snapshot recorded them.

use serde::{Deserialize, Serialize};

/// One inbox rule of one mailbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InboxRule {
    /// The mailbox as the snapshot names it, lower-case.
    pub mailbox: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Exchange's rule identity, when the snapshot gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// What a message must match, in the order the snapshot lists the conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<RuleCondition>,
    pub actions: RuleActions,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_processing: Option<bool>,
    /// Exchange's own wording of the rule, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Exchange could not run the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_error: Option<bool>,
    /// The rule is hidden from Outlook and from `Get-InboxRule` without `-IncludeHidden`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// The record of the snapshot file that states the rule (1 for the first), so a finding can cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

/// One condition of a rule: the property it tests and the value it wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCondition {
    /// The column or property, e.g. `SubjectContainsWords`.
    pub test: String,
    pub value: String,
}

/// What a rule does to the messages it matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleActions {
    /// Addresses the message is forwarded to (lower-case SMTP addresses where the snapshot gives one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forward_to: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forward_as_attachment_to: Vec<String>,
    /// Addresses the message is redirected to (the original recipient keeps no trace of it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirect_to: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to_folder: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_to_folder: Option<String>,
    #[serde(default)]
    pub delete: bool,
    #[serde(default)]
    pub soft_delete: bool,
    #[serde(default)]
    pub mark_as_read: bool,
}

impl RuleActions {
    /// Every address a matching message leaves the mailbox for (forward, forward as attachment, redirect).
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.forward_to.iter().chain(&self.forward_as_attachment_to).chain(&self.redirect_to).map(String::as_str)
    }

    /// The actions in short words, e.g. `forward to x@y · mark read`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let list = |v: &Vec<String>| v.join(", ");
        if !self.forward_to.is_empty() {
            parts.push(format!("forward to {}", list(&self.forward_to)));
        }
        if !self.forward_as_attachment_to.is_empty() {
            parts.push(format!("forward as attachment to {}", list(&self.forward_as_attachment_to)));
        }
        if !self.redirect_to.is_empty() {
            parts.push(format!("redirect to {}", list(&self.redirect_to)));
        }
        if let Some(f) = &self.move_to_folder {
            parts.push(format!("move to {f}"));
        }
        if let Some(f) = &self.copy_to_folder {
            parts.push(format!("copy to {f}"));
        }
        if self.delete {
            parts.push("delete".into());
        }
        if self.soft_delete {
            parts.push("soft delete".into());
        }
        if self.mark_as_read {
            parts.push("mark read".into());
        }
        if parts.is_empty() {
            "no action that moves, forwards or deletes".into()
        } else {
            parts.join(" · ")
        }
    }
}

impl InboxRule {
    /// True when the rule sends matching mail to another address.
    pub fn forwards(&self) -> bool {
        self.actions.recipients().next().is_some()
    }

    /// The conditions in short words, e.g. `SubjectContainsWords: invoice`.
    pub fn conditions_summary(&self) -> String {
        if self.conditions.is_empty() {
            return "every message".into();
        }
        self.conditions.iter().map(|c| format!("{}: {}", c.test, c.value)).collect::<Vec<_>>().join(" · ")
    }
}

/// A mailbox's own forwarding setting (not a rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarding {
    /// The mailbox as the snapshot names it, lower-case.
    pub mailbox: String,
    /// `ForwardingSmtpAddress`: any address, inside or outside the tenant (lower-case, without `smtp:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_address: Option<String>,
    /// `ForwardingAddress`: a recipient of the tenant, as Exchange names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// Whether a copy stays in the mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_and_forward: Option<bool>,
    /// The record of the snapshot file that states the setting (1 for the first), so a finding can cite it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl Forwarding {
    /// True when the mailbox forwards at all.
    pub fn is_set(&self) -> bool {
        self.smtp_address.is_some() || self.recipient.is_some()
    }

    /// The setting in short words.
    pub fn summary(&self) -> String {
        let to: Vec<&str> = self.smtp_address.iter().chain(&self.recipient).map(String::as_str).collect();
        if to.is_empty() {
            return "no forwarding".into();
        }
        let keep = match self.deliver_and_forward {
            Some(true) => " (a copy stays in the mailbox)",
            Some(false) => " (no copy stays in the mailbox)",
            None => "",
        };
        format!("forwards to {}{keep}", to.join(", "))
    }
}
