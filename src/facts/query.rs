//! What a detection or the workbench asks the facts: the current rules and forwarding of a mailbox, a user's risk,
//! detections, roles, admin status and MFA methods, an app's permissions, the security alerts. Every answer carries the
//! snapshot it comes from.

use super::alerts::SecurityAlert;
use super::apps::AppPermission;
use super::auth::AuthMethods;
use super::identity::{RiskDetection, RoleAssignment, UserRecord, UserRisk};
use super::mail::{Forwarding, InboxRule};
use super::snapshot::Snapshot;
use super::store::{FactsError, FactsFile};
use super::{keys, Facts, Located, UserFacts};
use std::path::Path;

/// A fact together with the snapshot that states it.
#[derive(Debug)]
pub struct Seen<'a, T> {
    pub fact: &'a T,
    pub snapshot: &'a Snapshot,
}

impl<T> Clone for Seen<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Seen<'_, T> {}

impl Facts {
    /// Reads the case's facts file (see [`FactsFile::load`]).
    pub fn load(path: &Path) -> Result<Facts, FactsError> {
        FactsFile::load(path).map(Facts::from_file)
    }

    /// True when the case holds no snapshot.
    pub fn is_empty(&self) -> bool {
        self.snapshots.is_empty()
    }

    /// The snapshot files, oldest first.
    pub fn snapshots(&self) -> &[Snapshot] {
        &self.snapshots
    }

    fn seen<'a, T>(&'a self, located: &'a Located<T>) -> Seen<'a, T> {
        Seen { fact: &located.1, snapshot: &self.snapshots[located.0] }
    }

    fn about(&self, user: &str) -> Option<&UserFacts> {
        self.by_user.get(&keys::user(user))
    }

    /// The current inbox rules of every mailbox, mailbox by mailbox, each by priority.
    pub fn mailbox_rules(&self) -> Vec<Seen<'_, InboxRule>> {
        self.rules.values().flatten().map(|l| self.seen(l)).collect()
    }

    /// The current inbox rules of one mailbox (named by any of its forms), by priority.
    pub fn rules_of(&self, mailbox: &str) -> Vec<Seen<'_, InboxRule>> {
        self.rules.get(&keys::mailbox(mailbox)).into_iter().flatten().map(|l| self.seen(l)).collect()
    }

    /// The mailboxes whose own forwarding is set.
    pub fn forwarding(&self) -> Vec<Seen<'_, Forwarding>> {
        self.forwarding.values().filter(|(_, f)| f.is_set()).map(|l| self.seen(l)).collect()
    }

    /// Every mailbox's own forwarding setting that a snapshot records, set or not.
    pub fn mailbox_forwarding(&self) -> Vec<Seen<'_, Forwarding>> {
        self.forwarding.values().map(|l| self.seen(l)).collect()
    }

    /// A mailbox's own forwarding setting, set or not, when a snapshot records it.
    pub fn forwarding_of(&self, mailbox: &str) -> Option<Seen<'_, Forwarding>> {
        self.forwarding.get(&keys::mailbox(mailbox)).map(|l| self.seen(l))
    }

    /// Every user's current risk.
    pub fn risky_users(&self) -> Vec<Seen<'_, UserRisk>> {
        self.risks.values().map(|l| self.seen(l)).collect()
    }

    /// A user's current risk (named by UPN or object id).
    pub fn user_risk(&self, user: &str) -> Option<Seen<'_, UserRisk>> {
        let key = self.about(user)?.risk.as_ref()?;
        self.risks.get(key).map(|l| self.seen(l))
    }

    /// Every risk detection.
    pub fn risk_detections(&self) -> Vec<Seen<'_, RiskDetection>> {
        self.detections.iter().map(|l| self.seen(l)).collect()
    }

    /// A user's risk detections, oldest first.
    pub fn risk_detections_of(&self, user: &str) -> Vec<Seen<'_, RiskDetection>> {
        let mut v: Vec<_> =
            self.about(user).into_iter().flat_map(|u| &u.detections).map(|i| self.seen(&self.detections[*i])).collect();
        v.sort_by_key(|s| (s.fact.detected_at.or(s.fact.activity_at), s.fact.id.clone()));
        v
    }

    /// The risk detections of sign-ins from one IP address, oldest first.
    pub fn risk_detections_from(&self, ip: &str) -> Vec<Seen<'_, RiskDetection>> {
        let ip = ip.trim();
        let mut v: Vec<_> = self
            .detections
            .iter()
            .filter(|(_, d)| d.ip.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(ip)))
            .map(|l| self.seen(l))
            .collect();
        v.sort_by_key(|s| (s.fact.detected_at.or(s.fact.activity_at), s.fact.id.clone()));
        v
    }

    /// The roles a user holds: directory role memberships and PIM assignments.
    pub fn roles_of(&self, user: &str) -> Vec<Seen<'_, RoleAssignment>> {
        self.about(user).into_iter().flat_map(|u| &u.roles).map(|i| self.seen(&self.roles[*i])).collect()
    }

    /// True when a snapshot shows the user holding an administrator role (as a member or in PIM, active or
    /// eligible).
    pub fn is_admin(&self, user: &str) -> bool {
        self.roles_of(user).iter().any(|r| r.fact.is_admin_role())
    }

    /// The user's record in the user inventory.
    pub fn user(&self, user: &str) -> Option<Seen<'_, UserRecord>> {
        let upn = self.user_names.get(&keys::user(user))?;
        self.users.get(upn).map(|l| self.seen(l))
    }

    /// Every permission granted to an app.
    pub fn app_permissions(&self) -> Vec<Seen<'_, AppPermission>> {
        self.apps.iter().map(|l| self.seen(l)).collect()
    }

    /// The permissions of one app, named by app id, service principal id or display name.
    pub fn permissions_of(&self, app: &str) -> Vec<Seen<'_, AppPermission>> {
        self.apps.iter().filter(|(_, p)| p.is_app(app)).map(|l| self.seen(l)).collect()
    }

    /// A user's MFA state and registered methods, one per report, the reports that state MFA registration first.
    pub fn auth_methods_of(&self, user: &str) -> Vec<Seen<'_, AuthMethods>> {
        let mut v: Vec<_> =
            self.about(user).into_iter().flat_map(|u| &u.auth).map(|i| self.seen(&self.auth[*i])).collect();
        v.sort_by_key(|s| (s.fact.mfa_registered.is_none(), s.fact.report.clone()));
        v
    }

    /// Every user's MFA state and methods.
    pub fn auth_methods(&self) -> Vec<Seen<'_, AuthMethods>> {
        self.auth.iter().map(|l| self.seen(l)).collect()
    }

    /// Every security alert.
    pub fn security_alerts(&self) -> Vec<Seen<'_, SecurityAlert>> {
        self.alerts.iter().map(|l| self.seen(l)).collect()
    }

    /// The security alerts that name a user.
    pub fn alerts_naming(&self, user: &str) -> Vec<Seen<'_, SecurityAlert>> {
        self.about(user).into_iter().flat_map(|u| &u.alerts).map(|i| self.seen(&self.alerts[*i])).collect()
    }
}
