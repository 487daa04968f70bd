//! Case facts: the state of the tenant that snapshot exports recorded when they were taken (inbox rules and
//! forwarding per mailbox; risk, risk detections, roles and PIM assignments per user; permissions per app; security
//! alerts; MFA state and authentication methods per user), kept apart from events so nobody mistakes a state for something that happened. Ingest reads them, the
//! analytics and the workbench ask [`Facts`].

mod alerts;
mod apps;
mod auth;
mod fact;
mod identity;
mod index;
pub mod keys;
mod kinds;
mod mail;
mod query;
mod snapshot;
mod store;

pub use alerts::SecurityAlert;
pub use apps::AppPermission;
pub use auth::AuthMethods;
pub use fact::{Fact, SnapshotFacts};
pub use identity::{RiskDetection, RoleAssignment, RoleHold, UserRecord, UserRisk};
pub use kinds::{is_snapshot_format, SnapshotKind, FORMAT_SUFFIX};
pub use mail::{Forwarding, InboxRule, RuleActions, RuleCondition};
pub use query::Seen;
pub use snapshot::{Snapshot, Taken, TakenFrom};
pub use store::{FactsError, FactsFile, FACTS_MAX, FACTS_VERSION};

use std::collections::{BTreeMap, HashMap};

/// A fact and the index of the snapshot it comes from.
type Located<T> = (usize, T);

/// What the case's snapshots say, ready to be asked by mailbox, user, app or IP. Empty when the case holds no
/// snapshot.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    snapshots: Vec<Snapshot>,
    /// Mailbox key → its current rules (from the newest snapshot that names the mailbox), by priority.
    rules: BTreeMap<String, Vec<Located<InboxRule>>>,
    forwarding: BTreeMap<String, Located<Forwarding>>,
    /// User key → the risk with the latest update.
    risks: BTreeMap<String, Located<UserRisk>>,
    detections: Vec<Located<RiskDetection>>,
    roles: Vec<Located<RoleAssignment>>,
    apps: Vec<Located<AppPermission>>,
    /// UPN → the user's inventory record.
    users: BTreeMap<String, Located<UserRecord>>,
    /// Any name of a user of the inventory (UPN, object id) → its UPN.
    user_names: HashMap<String, String>,
    alerts: Vec<Located<SecurityAlert>>,
    /// MFA state and registered methods, one per user and report.
    auth: Vec<Located<AuthMethods>>,
    /// Every name of a user → the facts about them.
    by_user: HashMap<String, UserFacts>,
}

/// Where the facts about one user are.
#[derive(Debug, Clone, Default)]
struct UserFacts {
    risk: Option<String>,
    detections: Vec<usize>,
    roles: Vec<usize>,
    alerts: Vec<usize>,
    auth: Vec<usize>,
}

#[cfg(test)]
mod tests;
