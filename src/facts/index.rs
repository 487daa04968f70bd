//! Builds [`Facts`] from the facts file: the snapshots ordered oldest first, so a newer snapshot's statement about
//! a mailbox, user, app or alert replaces an older one's, then indexed by mailbox and by every name of a user.

use super::alerts::SecurityAlert;
use super::apps::AppPermission;
use super::auth::AuthMethods;
use super::fact::{Fact, SnapshotFacts};
use super::identity::{RiskDetection, RoleAssignment, RoleHold, UserRecord, UserRisk};
use super::mail::{Forwarding, InboxRule};
use super::store::FactsFile;
use super::{keys, Facts, Located, UserFacts};
use std::collections::{BTreeMap, HashMap};

/// The facts while snapshots are added: keyed so that a newer statement replaces an older one.
#[derive(Default)]
struct Builder {
    facts: Facts,
    detections: BTreeMap<String, Located<RiskDetection>>,
    roles: BTreeMap<(String, String, RoleHold, String), Located<RoleAssignment>>,
    apps: BTreeMap<[String; 5], Located<AppPermission>>,
    alerts: BTreeMap<String, Located<SecurityAlert>>,
    /// (user, report) → the newest statement of the user's MFA state in that report.
    auth: BTreeMap<(String, String), Located<AuthMethods>>,
    /// Object id → UPN, from every fact that names both.
    upn_of_id: HashMap<String, String>,
    /// UPN → object id, the other way round.
    id_of_upn: HashMap<String, String>,
}

impl Facts {
    /// The queryable facts of a facts file.
    pub fn from_file(file: FactsFile) -> Facts {
        let mut snaps = file.snapshots;
        // Oldest first: a snapshot without a time counts as the oldest; ties go by path.
        snaps.sort_by(|a, b| {
            let at = |s: &SnapshotFacts| s.snapshot.taken.as_ref().map(|t| t.at);
            at(a).cmp(&at(b)).then_with(|| a.snapshot.path.cmp(&b.snapshot.path))
        });
        let mut b = Builder::default();
        for s in &snaps {
            for f in &s.facts {
                if let Some((upn, id)) = person_of(f) {
                    b.id_of_upn.insert(upn.clone(), id.clone());
                    b.upn_of_id.insert(id, upn);
                }
            }
        }
        for (n, s) in snaps.into_iter().enumerate() {
            b.add_snapshot(n, s);
        }
        b.finish()
    }
}

impl Builder {
    fn add_snapshot(&mut self, n: usize, s: SnapshotFacts) {
        let SnapshotFacts { snapshot, facts } = s;
        self.facts.snapshots.push(snapshot);
        // A newer rules snapshot that names a mailbox states all of its rules.
        let mut rules_here: BTreeMap<String, Vec<Located<InboxRule>>> = BTreeMap::new();
        for fact in facts {
            match fact {
                Fact::InboxRule(r) => rules_here.entry(keys::mailbox(&r.mailbox)).or_default().push((n, r)),
                Fact::Forwarding(f) => self.add_forwarding(n, f),
                Fact::UserRisk(r) => self.add_risk(n, r),
                Fact::RiskDetection(d) => {
                    self.detections.insert(d.id.to_lowercase(), (n, d));
                }
                Fact::Role(r) => {
                    let who = r.upn.as_deref().or(r.user_id.as_deref()).map(keys::user).unwrap_or_default();
                    let scope = r.scope.clone().unwrap_or_default();
                    self.roles.insert((who, r.role.to_lowercase(), r.hold, scope), (n, r));
                }
                Fact::AppPermission(p) => {
                    self.apps.insert(app_key(&p), (n, p));
                }
                Fact::User(u) => self.add_user(n, u),
                Fact::AuthMethods(m) => {
                    self.auth.insert((keys::user(&m.upn), m.report.to_lowercase()), (n, m));
                }
                Fact::SecurityAlert(a) => {
                    let newer = self.alerts.get(&a.id).is_none_or(|(_, old)| old.last_modified <= a.last_modified);
                    if newer {
                        self.alerts.insert(a.id.clone(), (n, a));
                    }
                }
            }
        }
        for (mailbox, mut rules) in rules_here {
            rules.sort_by_key(|(_, r)| (r.priority.unwrap_or(i64::MAX), r.name.to_lowercase()));
            self.facts.rules.insert(mailbox, rules);
        }
    }

    fn add_forwarding(&mut self, n: usize, f: Forwarding) {
        self.facts.forwarding.insert(keys::mailbox(&f.mailbox), (n, f));
    }

    fn add_user(&mut self, n: usize, u: UserRecord) {
        let key = keys::user(&u.upn);
        if let Some(id) = &u.user_id {
            self.facts.user_names.insert(keys::user(id), key.clone());
        }
        self.facts.user_names.insert(key.clone(), key.clone());
        self.facts.users.insert(key, (n, u));
    }

    /// Keeps the user's risk with the latest update (a later snapshot wins a tie).
    fn add_risk(&mut self, n: usize, r: UserRisk) {
        let Some(key) = r.upn.as_deref().or(r.user_id.as_deref()).map(keys::user) else { return };
        let newer = self.facts.risks.get(&key).is_none_or(|(_, old)| old.last_updated <= r.last_updated);
        if newer {
            self.facts.risks.insert(key, (n, r));
        }
    }

    /// Every name the case knows a person by: the UPN, the object id, and the UPN or id another fact pairs with
    /// them.
    fn names(&self, upn: Option<&str>, id: Option<&str>) -> Vec<String> {
        let mut v: Vec<String> = upn.iter().chain(id.iter()).map(|s| keys::user(s)).collect();
        if let Some(mapped) = id.and_then(|i| self.upn_of_id.get(&keys::user(i))) {
            v.push(mapped.clone());
        }
        if let Some(mapped) = upn.and_then(|u| self.id_of_upn.get(&keys::user(u))) {
            v.push(mapped.clone());
        }
        v.sort();
        v.dedup();
        v
    }

    /// Settles the keyed maps into lists and indexes the per-user facts under every name of the user.
    fn finish(mut self) -> Facts {
        let mut by_user: HashMap<String, UserFacts> = HashMap::new();
        let detections: Vec<_> = std::mem::take(&mut self.detections).into_values().collect();
        for (i, (_, d)) in detections.iter().enumerate() {
            for k in self.names(d.upn.as_deref(), d.user_id.as_deref()) {
                by_user.entry(k).or_default().detections.push(i);
            }
        }
        let roles: Vec<_> = std::mem::take(&mut self.roles).into_values().collect();
        for (i, (_, r)) in roles.iter().enumerate() {
            for k in self.names(r.upn.as_deref(), r.user_id.as_deref()) {
                by_user.entry(k).or_default().roles.push(i);
            }
        }
        let alerts: Vec<_> = std::mem::take(&mut self.alerts).into_values().collect();
        for (i, (_, a)) in alerts.iter().enumerate() {
            for u in &a.users {
                by_user.entry(keys::user(u)).or_default().alerts.push(i);
            }
        }
        let auth: Vec<_> = std::mem::take(&mut self.auth).into_values().collect();
        for (i, (_, m)) in auth.iter().enumerate() {
            for k in self.names(Some(&m.upn), m.user_id.as_deref()) {
                by_user.entry(k).or_default().auth.push(i);
            }
        }
        let risk_keys: Vec<(String, Vec<String>)> = self
            .facts
            .risks
            .iter()
            .map(|(key, (_, r))| (key.clone(), self.names(r.upn.as_deref(), r.user_id.as_deref())))
            .collect();
        for (key, names) in risk_keys {
            for k in names {
                by_user.entry(k).or_default().risk = Some(key.clone());
            }
        }
        let upn_of_id = std::mem::take(&mut self.upn_of_id);
        let mut facts = self.facts;
        for (id, upn) in upn_of_id {
            facts.user_names.entry(id).or_insert(upn);
        }
        facts.detections = detections;
        facts.roles = roles;
        facts.apps = self.apps.into_values().collect();
        facts.alerts = alerts;
        facts.auth = auth;
        facts.by_user = by_user;
        facts
    }
}

/// What makes two app permissions the same grant: app, resource, permission, its type and the consenting user.
fn app_key(p: &AppPermission) -> [String; 5] {
    let app = p.app_id.as_deref().or(p.client_object_id.as_deref()).or(p.app_name.as_deref());
    [
        app.unwrap_or_default().to_lowercase(),
        p.resource.clone().unwrap_or_default().to_lowercase(),
        p.permission.to_lowercase(),
        p.permission_type.to_lowercase(),
        p.principal_id.clone().unwrap_or_default(),
    ]
}

/// The UPN and object id of the person a fact names, when it names both.
fn person_of(f: &Fact) -> Option<(String, String)> {
    let (upn, id) = match f {
        Fact::UserRisk(r) => (r.upn.as_deref(), r.user_id.as_deref()),
        Fact::RiskDetection(d) => (d.upn.as_deref(), d.user_id.as_deref()),
        Fact::Role(r) => (r.upn.as_deref(), r.user_id.as_deref()),
        Fact::User(u) => (Some(u.upn.as_str()), u.user_id.as_deref()),
        Fact::AuthMethods(m) => (Some(m.upn.as_str()), m.user_id.as_deref()),
        _ => (None, None),
    };
    Some((keys::user(upn?), keys::user(id?)))
}
