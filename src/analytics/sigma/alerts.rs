//! Turning a run's matches into alerts: one alert per rule and UTC day, with the matched events as evidence and
//! the rule's author, level and provenance on it.

use super::group::Group;
use super::load::{LoadedRule, RuleSet};
use crate::analytics::alert::{Alert, AlertBuilder, RuleRef, MAX_EVIDENCE};
use crate::model::Severity;

/// The severity of a rule's alerts: `[sigma.levels]` for its id, else its level (informational counts as low).
pub fn severity(set: &RuleSet, rule: &LoadedRule) -> Severity {
    let level = set.levels.get(&rule.info.id).map(String::as_str).unwrap_or(&rule.info.level);
    match level.to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" => Severity::Medium,
        _ => Severity::Low,
    }
}

/// The reference every alert of the rule carries.
pub fn rule_ref(rule: &LoadedRule) -> RuleRef {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    RuleRef {
        kind: "sigma".into(),
        id: rule.info.id.clone(),
        title: rule.info.title.clone(),
        author: Some(if rule.info.author.is_empty() { "unknown".into() } else { rule.info.author.clone() }),
        level: some(&rule.info.level),
        status: some(&rule.info.status),
        path: Some(rule.path.clone()),
        references: rule.info.references.clone(),
    }
}

/// Alerts from a run's groups of matches: one per rule and UTC day.
pub fn alerts(set: &RuleSet, groups: &[Group]) -> Vec<Alert> {
    groups.iter().filter_map(|g| set.rule(&g.rule).map(|rule| alert(set, rule, g))).collect()
}

fn alert(set: &RuleSet, rule: &LoadedRule, g: &Group) -> Alert {
    let analytic = super::analytic_id(&rule.info.id);
    let mut b = AlertBuilder::for_rule(&analytic, rule_ref(rule), severity(set, rule), rule.info.techniques.clone());
    for (ts, id) in g.evidence() {
        b.evidence(&id, ts.unwrap_or_default());
    }
    for ts in [g.first_ts, g.last_ts].into_iter().flatten() {
        b.seen_at(ts);
    }
    let e = b.entities();
    g.users.iter().for_each(|u| e.user(u));
    g.ips.iter().for_each(|i| e.ip(i));
    g.sessions.iter().for_each(|s| e.session(s));
    g.tenants.iter().for_each(|t| e.tenant(t));
    for (id, name) in &g.apps {
        e.app(id, name.as_deref());
    }
    let author = rule_ref(rule).author.unwrap_or_default();
    b.reason(format!(
        "Sigma rule \"{}\" ({}) by {author} matched {} event{} on this day",
        rule.info.title,
        rule.info.id,
        g.count,
        if g.count == 1 { "" } else { "s" }
    ));
    if let Some(first) = g.first.as_ref().filter(|h| !h.values.is_empty()) {
        let shown: Vec<String> = first.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        b.reason(format!("first match: {}", shown.join(", ")));
    }
    if g.count as usize > MAX_EVIDENCE {
        b.reason(format!("the first {MAX_EVIDENCE} of {} matched events are listed as evidence", g.count));
    }
    if !rule.unmapped.is_empty() {
        b.reason(format!("fields read only from name/value lists: {}", rule.unmapped.join(", ")));
    }
    b.reason(format!("rule licensed under the Detection Rule License 1.1; author: {author}"));
    if let Some(native) = super::native::detection_for(&rule.info.id) {
        b.reason(format!("overlaps harrier's own detection {native}"));
    }
    b.key.push(g.first_ts.map(|t| t.to_rfc3339()).unwrap_or_default());
    b.finish()
}
