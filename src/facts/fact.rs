//! One fact of any kind, and the facts of one snapshot file together with where they came from.

use super::alerts::SecurityAlert;
use super::apps::AppPermission;
use super::auth::AuthMethods;
use super::identity::{RiskDetection, RoleAssignment, UserRecord, UserRisk};
use super::mail::{Forwarding, InboxRule};
use super::snapshot::Snapshot;
use serde::{Deserialize, Serialize};

/// One statement a snapshot makes about the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum Fact {
    InboxRule(InboxRule),
    Forwarding(Forwarding),
    UserRisk(UserRisk),
    RiskDetection(RiskDetection),
    Role(RoleAssignment),
    AppPermission(AppPermission),
    User(UserRecord),
    SecurityAlert(SecurityAlert),
    AuthMethods(AuthMethods),
}

/// The facts read from one snapshot file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotFacts {
    pub snapshot: Snapshot,
    pub facts: Vec<Fact>,
}

impl Fact {
    /// Notes the record of its file that states the fact, for the facts a finding cites by record.
    pub fn at_row(&mut self, row: u64) {
        match self {
            Fact::InboxRule(r) => r.row = Some(row),
            Fact::Forwarding(f) => f.row = Some(row),
            _ => {}
        }
    }
}
