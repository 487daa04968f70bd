//! The kinds of tenant snapshot read as facts. Each is named in the ledger as its format, `<kind>_snapshot`.

use serde::{Deserialize, Serialize};

/// Ends every snapshot format name in the ledger, so a reader tells a snapshot from a log at a glance.
pub const FORMAT_SUFFIX: &str = "_snapshot";

/// What a snapshot export records about the tenant at the time it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    /// Inbox rules per mailbox (`Get-InboxRule`).
    MailboxRules,
    /// Mailbox-level forwarding (`Get-Mailbox`: `ForwardingSmtpAddress`, `DeliverToMailboxAndForward`).
    MailboxForwarding,
    /// Identity Protection's risk per user (Graph `riskyUsers`, Log Analytics `AADRiskyUsers`).
    RiskyUsers,
    /// Identity Protection's risk detections (Graph `riskDetections`, Log Analytics `AADUserRiskEvents`).
    RiskDetections,
    /// Members of directory roles.
    RoleMembers,
    /// Privileged Identity Management assignments, active and eligible.
    PimAssignments,
    /// Delegated and application permissions granted to apps.
    AppPermissions,
    /// The user inventory.
    Users,
    /// Security alerts raised by Microsoft's own products.
    SecurityAlerts,
    /// MFA state and registered authentication methods per user (MFA status reports, Graph
    /// `userRegistrationDetails`).
    AuthMethods,
}

impl SnapshotKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [SnapshotKind; 10] = [
        SnapshotKind::MailboxRules,
        SnapshotKind::MailboxForwarding,
        SnapshotKind::RiskyUsers,
        SnapshotKind::RiskDetections,
        SnapshotKind::RoleMembers,
        SnapshotKind::PimAssignments,
        SnapshotKind::AppPermissions,
        SnapshotKind::Users,
        SnapshotKind::SecurityAlerts,
        SnapshotKind::AuthMethods,
    ];

    /// The kind's name, as `assets/ingest/snapshots.toml` and the facts file spell it.
    pub fn name(self) -> &'static str {
        match self {
            SnapshotKind::MailboxRules => "mailbox_rules",
            SnapshotKind::MailboxForwarding => "mailbox_forwarding",
            SnapshotKind::RiskyUsers => "risky_users",
            SnapshotKind::RiskDetections => "risk_detections",
            SnapshotKind::RoleMembers => "role_members",
            SnapshotKind::PimAssignments => "pim_assignments",
            SnapshotKind::AppPermissions => "app_permissions",
            SnapshotKind::Users => "users",
            SnapshotKind::SecurityAlerts => "security_alerts",
            SnapshotKind::AuthMethods => "auth_methods",
        }
    }

    /// The ledger's format for a file of this kind, e.g. `mailbox_rules_snapshot`.
    pub fn format(self) -> String {
        format!("{}{FORMAT_SUFFIX}", self.name())
    }

    /// The kind named `name` (as [`SnapshotKind::name`] spells it).
    pub fn from_name(name: &str) -> Option<SnapshotKind> {
        SnapshotKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What a file of this kind holds, in words for the ledger and the workbench.
    pub fn what(self) -> &'static str {
        match self {
            SnapshotKind::MailboxRules => "inbox rules",
            SnapshotKind::MailboxForwarding => "mailbox forwarding",
            SnapshotKind::RiskyUsers => "user risk",
            SnapshotKind::RiskDetections => "risk detections",
            SnapshotKind::RoleMembers => "directory role members",
            SnapshotKind::PimAssignments => "PIM role assignments",
            SnapshotKind::AppPermissions => "app permissions and consents",
            SnapshotKind::Users => "users",
            SnapshotKind::SecurityAlerts => "security alerts",
            SnapshotKind::AuthMethods => "MFA state and authentication methods",
        }
    }
}

/// True when a ledger format names a snapshot rather than a log.
pub fn is_snapshot_format(format: &str) -> bool {
    format.ends_with(FORMAT_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_formats_and_serde_agree() {
        for k in SnapshotKind::ALL {
            assert_eq!(SnapshotKind::from_name(k.name()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
            assert!(is_snapshot_format(&k.format()));
        }
        assert_eq!(SnapshotKind::MailboxRules.format(), "mailbox_rules_snapshot");
        assert!(!is_snapshot_format("csv/utf-8-bom"));
    }
}
