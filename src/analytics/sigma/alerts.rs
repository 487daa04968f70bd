//! Turning a run's matches into alerts: one alert per rule and window, with every matched event as evidence and
//! the rule's author, level and provenance on it.

use super::load::{LoadedRule, RuleSet};
use super::run::Hit;
use crate::analytics::alert::{Alert, AlertBuilder, RuleRef};
use crate::model::Severity;
use chrono::{DateTime, Duration, Utc};

/// Matches of one rule this close together become one alert.
pub const WINDOW_HOURS: i64 = 24;

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

/// Alerts from a run's hits (sorted by rule, then time).
pub fn alerts(set: &RuleSet, hits: &[Hit]) -> Vec<Alert> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < hits.len() {
        let rule_id = &hits[start].rule;
        let end = start + hits[start..].iter().take_while(|h| &h.rule == rule_id).count();
        if let Some(rule) = set.rule(rule_id) {
            for group in windows(&hits[start..end]) {
                out.push(alert(set, rule, group));
            }
        }
        start = end;
    }
    out
}

/// Splits one rule's hits (in time order) into groups no longer than the window from their first hit.
fn windows(hits: &[Hit]) -> Vec<&[Hit]> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < hits.len() {
        let first = hits[start].ts;
        let mut end = start + 1;
        while end < hits.len() && within(first, hits[end].ts) {
            end += 1;
        }
        groups.push(&hits[start..end]);
        start = end;
    }
    groups
}

fn within(first: Option<DateTime<Utc>>, ts: Option<DateTime<Utc>>) -> bool {
    match (first, ts) {
        (Some(a), Some(b)) => b - a < Duration::hours(WINDOW_HOURS),
        (None, None) => true,
        _ => false,
    }
}

fn alert(set: &RuleSet, rule: &LoadedRule, hits: &[Hit]) -> Alert {
    let analytic = super::analytic_id(&rule.info.id);
    let mut b = AlertBuilder::for_rule(&analytic, rule_ref(rule), severity(set, rule), rule.info.techniques.clone());
    for h in hits {
        b.evidence(&h.event, h.ts.unwrap_or_default());
        let e = b.entities();
        e.user(&h.user);
        e.ip(&h.ip);
        e.session(&h.session);
        e.tenant(&h.tenant);
        if let Some((id, name)) = &h.app {
            e.app(id, name.as_deref());
        }
    }
    let author = rule_ref(rule).author.unwrap_or_default();
    b.reason(format!(
        "Sigma rule \"{}\" ({}) by {author} matched {} event{}",
        rule.info.title,
        rule.info.id,
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    ));
    if let Some(first) = hits.first().filter(|h| !h.values.is_empty()) {
        let shown: Vec<String> = first.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
        b.reason(format!("first match: {}", shown.join(", ")));
    }
    if !rule.unmapped.is_empty() {
        b.reason(format!("fields read only from name/value lists: {}", rule.unmapped.join(", ")));
    }
    b.reason(format!("rule licensed under the Detection Rule License 1.1; author: {author}"));
    if let Some(native) = super::native::detection_for(&rule.info.id) {
        b.reason(format!("overlaps harrier's own detection {native}"));
    }
    b.key.push(hits.first().and_then(|h| h.ts).map(|t| t.to_rfc3339()).unwrap_or_default());
    b.finish()
}
