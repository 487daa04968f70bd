//! Alerts, their entities, and suppressions: the shapes `detect --format json` prints.

use super::params::AnalyticMeta;
use crate::model::Severity;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every principal and handle an alert involves, so the analyst can pivot from it.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
#[serde(default)]
pub struct Entities {
    pub users: Vec<String>,
    pub ips: Vec<String>,
    pub sessions: Vec<String>,
    pub mailboxes: Vec<String>,
    /// App ids, lower-case GUIDs.
    pub apps: Vec<String>,
    /// App id → display name, for the apps above that have one.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub app_names: BTreeMap<String, String>,
    /// Partner or home tenants involved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<String>,
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

impl Entities {
    /// Adds a user (lower-cased).
    pub fn user(&mut self, u: &str) {
        push_unique(&mut self.users, u.trim().to_ascii_lowercase());
    }
    /// Adds an IP (no port).
    pub fn ip(&mut self, ip: &str) {
        push_unique(&mut self.ips, ip.trim().to_string());
    }
    /// Adds a session id.
    pub fn session(&mut self, s: &str) {
        push_unique(&mut self.sessions, s.trim().to_string());
    }
    /// Adds a mailbox (lower-cased, without a folder path such as `:\Inbox`).
    pub fn mailbox(&mut self, m: &str) {
        let m = m.split(":\\").next().unwrap_or(m);
        push_unique(&mut self.mailboxes, m.trim().to_ascii_lowercase());
    }
    /// Adds an app id with its name when known (from the record or the catalogue).
    pub fn app(&mut self, id: &str, name: Option<&str>) {
        let id = id.trim().to_ascii_lowercase();
        if id.is_empty() {
            return;
        }
        let name = name.filter(|n| !n.is_empty()).or_else(|| super::catalog::app_name(&id));
        if let Some(n) = name {
            self.app_names.entry(id.clone()).or_insert_with(|| n.to_string());
        }
        push_unique(&mut self.apps, id);
    }
    /// Adds a tenant id.
    pub fn tenant(&mut self, t: &str) {
        push_unique(&mut self.tenants, t.trim().to_ascii_lowercase());
    }
    /// Sorts every list so output is stable.
    pub fn sort(&mut self) {
        for v in
            [&mut self.users, &mut self.ips, &mut self.sessions, &mut self.mailboxes, &mut self.apps, &mut self.tenants]
        {
            v.sort();
        }
    }
}

/// ATT&CK ids carried on every alert.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AttackRef {
    pub analytic: String,
    pub detection_strategy: String,
    pub techniques: Vec<String>,
}

/// Where an alert's logic came from: one of harrier's own detections, or a Sigma rule. A Sigma rule's author,
/// level, status, file and references travel with every alert it raised (its licence asks for the author).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
#[serde(default)]
pub struct RuleRef {
    /// `native` or `sigma`.
    pub kind: String,
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl RuleRef {
    /// The reference of one of harrier's own detections.
    pub fn native(id: &str, title: &str) -> RuleRef {
        RuleRef { kind: "native".into(), id: id.into(), title: title.into(), ..RuleRef::default() }
    }

    /// Whether the alert came from a Sigma rule.
    pub fn is_sigma(&self) -> bool {
        self.kind == "sigma"
    }
}

/// One finding. Field order and names follow the `detect --format json` contract; extra fields are additive.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Alert {
    pub id: String,
    pub analytic: String,
    pub title: String,
    pub severity: Severity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub entities: Entities,
    pub evidence: Vec<String>,
    pub reasons: Vec<String>,
    /// ATT&CK technique ids (`T1114.003`), the same as `attack.techniques`, where reports and incidents read them.
    pub techniques: Vec<String>,
    /// The incident the alert was grouped into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    pub rule: RuleRef,
    pub attack: AttackRef,
    /// What the baseline held that made this unusual.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub baseline: Vec<String>,
    /// Set when the case holds too little history; severity was capped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_insufficient: Option<String>,
    /// Which log sources the case held for this analytic, and which were missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Severity before the cap, when it was capped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncapped_severity: Option<Severity>,
}

/// Builds an alert step by step; `finish` computes the stable id and applies the severity cap.
#[derive(Debug, Clone)]
pub struct AlertBuilder {
    pub alert: Alert,
    /// Identity parts (beyond analytic and first evidence) that the id hashes.
    pub key: Vec<String>,
    times: Vec<DateTime<Utc>>,
}

/// Cap applied when the baseline is insufficient.
pub const INSUFFICIENT_CAP: Severity = Severity::Medium;

/// Bound on evidence ids per alert; the count beyond it is stated in the reasons.
pub const MAX_EVIDENCE: usize = 500;

impl AlertBuilder {
    /// A new alert of `meta`'s analytic with a title.
    pub fn new(meta: &AnalyticMeta, title: impl Into<String>, severity: Severity) -> AlertBuilder {
        let attack = AttackRef {
            analytic: meta.attack.analytic.clone(),
            detection_strategy: meta.attack.detection_strategy.clone(),
            techniques: meta.attack.techniques.clone(),
        };
        AlertBuilder::blank(&meta.id, title.into(), severity, RuleRef::native(&meta.id, &meta.title), attack)
    }

    /// A new alert raised by a rule that is not one of harrier's detections (a Sigma rule): `analytic` names it,
    /// `rule` says where it came from.
    pub fn for_rule(analytic: &str, rule: RuleRef, severity: Severity, techniques: Vec<String>) -> AlertBuilder {
        let attack = AttackRef { analytic: analytic.to_string(), detection_strategy: String::new(), techniques };
        AlertBuilder::blank(analytic, rule.title.clone(), severity, rule, attack)
    }

    /// An alert with nothing found yet; its techniques are the ATT&CK reference's.
    fn blank(analytic: &str, title: String, severity: Severity, rule: RuleRef, attack: AttackRef) -> AlertBuilder {
        AlertBuilder {
            alert: Alert {
                id: String::new(),
                analytic: analytic.to_string(),
                title,
                severity,
                first_seen: DateTime::<Utc>::MIN_UTC,
                last_seen: DateTime::<Utc>::MIN_UTC,
                entities: Entities::default(),
                evidence: Vec::new(),
                reasons: Vec::new(),
                techniques: attack.techniques.clone(),
                incident: None,
                rule,
                attack,
                baseline: Vec::new(),
                baseline_insufficient: None,
                sources: Vec::new(),
                uncapped_severity: None,
            },
            key: Vec::new(),
            times: Vec::new(),
        }
    }

    /// Adds an evidence event id seen at `ts`.
    pub fn evidence(&mut self, id: &str, ts: DateTime<Utc>) {
        self.times.push(ts);
        if self.alert.evidence.len() < MAX_EVIDENCE && !self.alert.evidence.iter().any(|e| e == id) {
            self.alert.evidence.push(id.to_string());
        }
    }

    /// Counts `ts` in the alert's time range without an event: when a snapshot that states the finding was taken.
    pub fn seen_at(&mut self, ts: DateTime<Utc>) {
        self.times.push(ts);
    }

    /// Adds a reason.
    pub fn reason(&mut self, r: impl Into<String>) {
        let r = r.into();
        if !self.alert.reasons.contains(&r) {
            self.alert.reasons.push(r);
        }
    }

    /// Adds a baseline fact.
    pub fn baseline(&mut self, b: impl Into<String>) {
        let b = b.into();
        if !self.alert.baseline.contains(&b) {
            self.alert.baseline.push(b);
        }
    }

    /// Marks the baseline insufficient with why.
    pub fn insufficient(&mut self, why: impl Into<String>) {
        if self.alert.baseline_insufficient.is_none() {
            self.alert.baseline_insufficient = Some(why.into());
        }
    }

    /// Raises severity to at least `s`.
    pub fn at_least(&mut self, s: Severity) {
        self.alert.severity = self.alert.severity.max(s);
    }

    /// Entities, for adding.
    pub fn entities(&mut self) -> &mut Entities {
        &mut self.alert.entities
    }

    /// Finalises: time range, id, severity cap, sorted entities.
    pub fn finish(mut self) -> Alert {
        let a = &mut self.alert;
        if let Some(why) = &a.baseline_insufficient {
            if a.severity > INSUFFICIENT_CAP {
                a.uncapped_severity = Some(a.severity);
                a.severity = INSUFFICIENT_CAP;
                a.reasons.push(format!(
                    "baseline insufficient: {why}; severity capped at {INSUFFICIENT_CAP} (would be {})",
                    a.uncapped_severity.unwrap_or(a.severity)
                ));
            } else {
                a.reasons.push(format!("baseline insufficient: {why}"));
            }
        }
        let min = self.times.iter().min().copied().unwrap_or_default();
        let max = self.times.iter().max().copied().unwrap_or_default();
        a.first_seen = min;
        a.last_seen = max;
        a.entities.sort();
        let mut h = blake3::Hasher::new();
        h.update(a.analytic.as_bytes());
        for k in &self.key {
            h.update(b"\x1f");
            h.update(k.as_bytes());
        }
        h.update(b"\x1f");
        h.update(a.evidence.first().map(|s| s.as_bytes()).unwrap_or(b""));
        let hex = h.finalize().to_hex();
        a.id = match a.analytic.strip_prefix(super::sigma::PREFIX) {
            Some(_) => format!("sigma-{}", &hex[..12]),
            None => format!("{}-{}", a.analytic.to_ascii_lowercase(), &hex[..12]),
        };
        self.alert
    }
}

/// Why findings were held back: counted and listed with the rule that caused them, never silent.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suppression {
    pub analytic: String,
    /// The rule: `allow.automation_accounts`, `system actor`, `allow.trusted_partner_tenants`, …
    pub rule: String,
    /// What matched (the principal, address, tenant or mailbox).
    pub matched: String,
    pub count: u64,
    /// A few of the suppressed events.
    pub examples: Vec<String>,
}

/// Collects suppressions, merging repeats of the same rule and match.
#[derive(Debug, Default)]
pub struct Suppressions {
    items: BTreeMap<(String, String, String), (u64, Vec<String>)>,
}

impl Suppressions {
    /// Counts one suppressed finding.
    pub fn add(&mut self, analytic: &str, rule: &str, matched: &str, example: &str) {
        let e = self.items.entry((analytic.to_string(), rule.to_string(), matched.to_string())).or_default();
        e.0 += 1;
        if e.1.len() < 5 && !example.is_empty() && !e.1.iter().any(|x| x == example) {
            e.1.push(example.to_string());
        }
    }

    /// Takes in another collection's counts.
    pub fn merge(&mut self, other: Suppressions) {
        for (k, (count, examples)) in other.items {
            let e = self.items.entry(k).or_default();
            e.0 += count;
            for x in examples {
                if e.1.len() < 5 && !e.1.contains(&x) {
                    e.1.push(x);
                }
            }
        }
    }

    /// Total suppressed findings.
    pub fn total(&self) -> u64 {
        self.items.values().map(|(c, _)| c).sum()
    }

    /// The list, sorted by analytic and rule.
    pub fn into_vec(self) -> Vec<Suppression> {
        self.items
            .into_iter()
            .map(|((analytic, rule, matched), (count, examples))| Suppression {
                analytic,
                rule,
                matched,
                count,
                examples,
            })
            .collect()
    }
}
