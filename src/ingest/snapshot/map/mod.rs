//! One snapshot record into the facts it states, kind by kind.

mod apps;
mod auth;
mod identity;
mod mail;

use super::fields::Fields;
use crate::facts::{Fact, SnapshotKind};

/// What a record of `kind` must say to be a fact; a record without one of them is malformed. The catalogue's test
/// holds every shape to giving them columns.
#[cfg(test)]
pub fn required_fields(kind: SnapshotKind) -> &'static [&'static str] {
    match kind {
        SnapshotKind::MailboxRules => &["mailbox", "name"],
        SnapshotKind::MailboxForwarding => &["mailbox"],
        SnapshotKind::RiskyUsers => &["level", "state"],
        SnapshotKind::RiskDetections => &["id", "event_type"],
        SnapshotKind::RoleMembers | SnapshotKind::PimAssignments => &["role", "upn"],
        SnapshotKind::AppPermissions => &["permission_type", "client_object_id"],
        SnapshotKind::Users => &["upn"],
        SnapshotKind::SecurityAlerts => &["id", "title"],
        SnapshotKind::AuthMethods => &["upn"],
    }
}

/// The facts one record states, or why it is malformed.
pub fn facts_of(f: &Fields) -> Result<Vec<Fact>, String> {
    Ok(match f.shape.kind {
        SnapshotKind::MailboxRules => vec![Fact::InboxRule(mail::rule(f)?)],
        SnapshotKind::MailboxForwarding => vec![Fact::Forwarding(mail::forwarding(f)?)],
        SnapshotKind::RiskyUsers => vec![Fact::UserRisk(identity::risk(f)?)],
        SnapshotKind::RiskDetections => vec![Fact::RiskDetection(identity::detection(f)?)],
        SnapshotKind::RoleMembers | SnapshotKind::PimAssignments => vec![Fact::Role(identity::role(f)?)],
        SnapshotKind::Users => vec![Fact::User(identity::user(f)?)],
        SnapshotKind::AppPermissions => apps::permissions(f)?.into_iter().map(Fact::AppPermission).collect(),
        SnapshotKind::SecurityAlerts => vec![Fact::SecurityAlert(apps::alert(f)?)],
        SnapshotKind::AuthMethods => vec![Fact::AuthMethods(auth::methods(f)?)],
    })
}
