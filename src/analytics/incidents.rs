//! Incidents: one intrusion raises many alerts, so alerts that share a person, a session or an address within a
//! window are grouped into one incident with a title, a severity, a time span and a storyline.
//!
//! Two alerts are linked when they name the same user or session, or the same address outside the case's
//! expected networks, and their time spans come within the window of each other (`assets/analytics/incidents.toml`).
//! Links are followed transitively. Every alert belongs to exactly one incident, a single alert to an incident of
//! its own, so triage and reports can always speak of incidents.

use super::alert::{Alert, Entities};
use crate::config::CaseConfig;
use crate::model::Severity;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// One incident: its alerts in time order and what they share.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Incident {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub entities: Entities,
    /// Alert ids in time order.
    pub alerts: Vec<String>,
    /// One line per alert, in time order: when, how severe, which detection, what.
    pub storyline: Vec<String>,
    /// ATT&CK techniques of its alerts, sorted.
    pub techniques: Vec<String>,
}

/// How alerts are grouped, from `assets/analytics/incidents.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Grouping {
    /// Alerts whose time spans come within this many hours of each other may join.
    window_hours: i64,
    /// Entity kinds that link alerts (`users`, `sessions`, `ips`, `mailboxes`).
    link_by: Vec<String>,
    /// Severity of an incident whose alerts come from at least this many detections is raised one step.
    raise_at_detections: usize,
}

fn grouping() -> &'static Grouping {
    static G: OnceLock<Grouping> = OnceLock::new();
    G.get_or_init(|| {
        toml::from_str(include_str!("../../assets/analytics/incidents.toml")).unwrap_or(Grouping {
            window_hours: 48,
            link_by: vec!["users".into()],
            raise_at_detections: 3,
        })
    })
}

/// Groups `alerts` into incidents and writes each alert's incident id. Alerts are expected sorted (most severe
/// first); incidents come out most severe first, then earliest.
pub fn group(alerts: &mut [Alert], config: &CaseConfig) -> Vec<Incident> {
    let g = grouping();
    let keys: Vec<BTreeSet<String>> = alerts.iter().map(|a| link_keys(a, g, config)).collect();
    let mut parent: Vec<usize> = (0..alerts.len()).collect();
    let window = Duration::hours(g.window_hours.max(0));
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, ks) in keys.iter().enumerate() {
        for k in ks {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    for members in by_key.values() {
        for (n, &i) in members.iter().enumerate() {
            for &j in &members[n + 1..] {
                if near(&alerts[i], &alerts[j], window) {
                    union(&mut parent, i, j);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..alerts.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut incidents: Vec<Incident> = groups.into_values().map(|members| incident_of(alerts, &members, g)).collect();
    for inc in &incidents {
        for a in alerts.iter_mut().filter(|a| inc.alerts.contains(&a.id)) {
            a.incident = Some(inc.id.clone());
        }
    }
    incidents.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.first_seen.cmp(&b.first_seen)).then(a.id.cmp(&b.id)));
    incidents
}

/// The entity values that can link this alert to others: users, sessions and addresses outside the expected
/// networks (a shared office egress says nothing about who did what).
fn link_keys(a: &Alert, g: &Grouping, config: &CaseConfig) -> BTreeSet<String> {
    let nets = config.expected_networks();
    let e = &a.entities;
    let mut keys = BTreeSet::new();
    for kind in &g.link_by {
        let values: &[String] = match kind.as_str() {
            "users" => &e.users,
            "sessions" => &e.sessions,
            "ips" => &e.ips,
            "mailboxes" => &e.mailboxes,
            _ => &[],
        };
        for v in values {
            let expected =
                kind == "ips" && v.parse::<std::net::IpAddr>().is_ok_and(|ip| nets.iter().any(|n| n.contains(&ip)));
            if !v.is_empty() && !expected {
                keys.insert(format!("{kind}:{v}"));
            }
        }
    }
    keys
}

/// True when two alerts' time spans come within `window` of each other.
fn near(a: &Alert, b: &Alert, window: Duration) -> bool {
    a.first_seen <= b.last_seen + window && b.first_seen <= a.last_seen + window
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        parent[r] = parent[parent[r]];
        r = parent[r];
    }
    r
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// The incident made of `members` (indexes into `alerts`).
fn incident_of(alerts: &[Alert], members: &[usize], g: &Grouping) -> Incident {
    let mut list: Vec<&Alert> = members.iter().map(|&i| &alerts[i]).collect();
    list.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.id.cmp(&b.id)));
    let mut entities = Entities::default();
    let mut techniques = BTreeSet::new();
    let mut detections = BTreeSet::new();
    for a in &list {
        merge(&mut entities, &a.entities);
        techniques.extend(a.techniques.iter().cloned());
        detections.insert(a.analytic.clone());
    }
    entities.sort();
    let mut severity = list.iter().map(|a| a.severity).max().unwrap_or(Severity::Low);
    if detections.len() >= g.raise_at_detections.max(2) {
        severity = super::common::raise(severity);
    }
    let ids: Vec<String> = list.iter().map(|a| a.id.clone()).collect();
    let mut h = blake3::Hasher::new();
    for id in &ids {
        h.update(id.as_bytes());
        h.update(b"\n");
    }
    Incident {
        id: format!("inc-{}", &h.finalize().to_hex()[..12]),
        title: title_of(&list, &entities, &detections),
        severity,
        first_seen: list.iter().map(|a| a.first_seen).min().unwrap_or_default(),
        last_seen: list.iter().map(|a| a.last_seen).max().unwrap_or_default(),
        entities,
        alerts: ids,
        storyline: list
            .iter()
            .map(|a| {
                format!(
                    "{} · {} · {} · {}",
                    a.first_seen.format("%Y-%m-%d %H:%M UTC"),
                    a.severity.as_str(),
                    a.analytic,
                    a.title
                )
            })
            .collect(),
        techniques: techniques.into_iter().collect(),
    }
}

/// "<who>: <n> alerts from <detections>", or the single alert's own title.
fn title_of(list: &[&Alert], entities: &Entities, detections: &BTreeSet<String>) -> String {
    if list.len() == 1 {
        return list[0].title.clone();
    }
    // The account most of the alerts name leads the title; ties go to the one named first in time.
    let mut named: Vec<(&str, usize, usize)> = Vec::new();
    for (order, a) in list.iter().enumerate() {
        for u in &a.entities.users {
            match named.iter_mut().find(|(n, _, _)| *n == u.as_str()) {
                Some(e) => e.1 += 1,
                None => named.push((u.as_str(), 1, order)),
            }
        }
    }
    named.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    let who = match named.as_slice() {
        [] => entities.ips.first().cloned().unwrap_or_else(|| "unattributed activity".to_string()),
        [(one, _, _)] => one.to_string(),
        [(first, _, _), rest @ ..] => format!("{first} and {} other account(s)", rest.len()),
    };
    let names: Vec<&str> = detections.iter().map(String::as_str).collect();
    format!("{who}: {} alerts from {}", list.len(), names.join(", "))
}

/// Adds every entity of `from` to `into`.
fn merge(into: &mut Entities, from: &Entities) {
    for u in &from.users {
        into.user(u);
    }
    for ip in &from.ips {
        into.ip(ip);
    }
    for s in &from.sessions {
        into.session(s);
    }
    for m in &from.mailboxes {
        into.mailbox(m);
    }
    for a in &from.apps {
        into.app(a, from.app_names.get(a).map(String::as_str));
    }
    for t in &from.tenants {
        into.tenant(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::alert::{AttackRef, RuleRef};
    use chrono::TimeZone;

    fn alert(id: &str, analytic: &str, sev: Severity, hour: i64, users: &[&str], ips: &[&str]) -> Alert {
        let t = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + Duration::hours(hour);
        let mut entities = Entities::default();
        users.iter().for_each(|u| entities.user(u));
        ips.iter().for_each(|i| entities.ip(i));
        Alert {
            id: id.into(),
            analytic: analytic.into(),
            title: format!("{analytic} on {}", users.join(",")),
            severity: sev,
            first_seen: t,
            last_seen: t + Duration::minutes(30),
            entities,
            evidence: vec![format!("ev-{id}")],
            reasons: vec!["r".into()],
            techniques: vec![format!("T-{analytic}")],
            incident: None,
            rule: RuleRef::native(analytic, analytic),
            attack: AttackRef { analytic: String::new(), detection_strategy: String::new(), techniques: vec![] },
            baseline: vec![],
            baseline_insufficient: None,
            sources: vec![],
            uncapped_severity: None,
        }
    }

    fn config(toml: &str) -> CaseConfig {
        CaseConfig::parse(toml, "case.toml").unwrap()
    }

    #[test]
    fn alerts_on_one_account_within_the_window_tell_one_story() {
        let mut alerts = vec![
            alert("a", "inbox-rule", Severity::Medium, 10, &["eve@c.example"], &["203.0.113.9"]),
            alert("b", "AN0959", Severity::High, 2, &["eve@c.example"], &[]),
            // The sprayer's address links this one, though it names another account.
            alert("c", "password-spray", Severity::Medium, 1, &["bob@c.example"], &["203.0.113.9"]),
            alert("d", "AN1089", Severity::High, 200, &["eve@c.example"], &[]),
        ];
        let incidents = group(&mut alerts, &config(""));
        assert_eq!(incidents.len(), 2, "{incidents:#?}");
        let story = &incidents[0];
        assert_eq!(story.alerts, vec!["c", "b", "a"], "in time order");
        assert_eq!(story.severity, Severity::Critical, "three detections raise the worst alert one step");
        assert_eq!(
            story.title,
            "eve@c.example and 1 other account(s): 3 alerts from AN0959, inbox-rule, password-spray"
        );
        assert_eq!(story.storyline.len(), 3);
        assert!(story.storyline[0].contains("password-spray"));
        assert_eq!(story.techniques, vec!["T-AN0959", "T-inbox-rule", "T-password-spray"]);
        assert_eq!(incidents[1].alerts, vec!["d"], "eight days later is another incident");
        assert!(alerts.iter().all(|a| a.incident.is_some()));
        assert_eq!(alerts[3].incident.as_deref(), Some(incidents[1].id.as_str()));
    }

    #[test]
    fn a_shared_office_address_links_nothing() {
        let toml = "[allow]\nexpected_ips = [\"198.51.100.0/24\"]\n";
        let mut alerts = vec![
            alert("a", "AN0534", Severity::High, 1, &["ann@c.example"], &["198.51.100.10"]),
            alert("b", "AN1089", Severity::High, 2, &["bob@c.example"], &["198.51.100.10"]),
        ];
        assert_eq!(group(&mut alerts, &config(toml)).len(), 2);
        let mut alerts = vec![
            alert("a", "AN0534", Severity::High, 1, &["ann@c.example"], &["198.51.100.10"]),
            alert("b", "AN1089", Severity::High, 2, &["bob@c.example"], &["198.51.100.10"]),
        ];
        assert_eq!(group(&mut alerts, &config("")).len(), 1, "an address nobody vouched for does link");
    }

    #[test]
    fn incident_ids_depend_only_on_their_alerts() {
        let make = || vec![alert("x", "AN0534", Severity::Low, 1, &["a@c.example"], &[])];
        let (mut one, mut two) = (make(), make());
        assert_eq!(group(&mut one, &config(""))[0].id, group(&mut two, &config(""))[0].id);
        assert_eq!(group(&mut one, &config(""))[0].title, "AN0534 on a@c.example", "a lone alert keeps its title");
    }
}
