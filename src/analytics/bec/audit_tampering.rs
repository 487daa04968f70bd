//! audit-tampering: someone switched off or shortened the records a responder relies on.
//!
//! It reads the kept Exchange, Purview and directory records for acts that blind an investigation: unified audit
//! ingestion or admin auditing turned off (`Set-AdminAuditLogConfig`), mailbox auditing turned off or bypassed
//! (`Set-Mailbox -AuditEnabled $false`, `Set-MailboxAuditBypassAssociation -AuditBypassEnabled $true`,
//! `Set-OrganizationConfig -AuditDisabled $true`), mailbox audit actions removed, audit retention cut
//! (`-AuditLogAgeLimit`, audit retention policies), DLP, alert and retention policies removed or disabled, and the
//! Advanced Auditing service plan taken off a user's licence (the licence change is often buried in the record's
//! additional details). Which cmdlet, parameter and value counts is data in the asset. One actor's acts within the
//! grouping window make one alert; tenant-wide and mailbox audit changes are high, policy removals medium, and an
//! unusual hour or place, or several kinds of tampering together, raise it. Allow-listed actors and Microsoft's
//! own service accounts are counted as suppressed.

use super::identity_context::{
    allowed_actor, by_window, changes_alert, flat, is_false, is_true, note_untimed, Change, Norms,
};
use crate::analytics::allow::AllowList;
use crate::analytics::common::{actor_of, op_name, prop, Cx, Findings};
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// A cmdlet and parameter from an asset entry such as `Set-Mailbox -AuditEnabled false`, with the value if any.
struct Switch {
    cmdlet: String,
    param: String,
    value: Option<String>,
}

impl Switch {
    /// Parses `Cmdlet -Parameter [value]`.
    fn parse(entry: &str) -> Option<Switch> {
        let mut words = entry.split_whitespace();
        let cmdlet = words.next()?.to_ascii_lowercase();
        let param = words.next()?.trim_start_matches('-').to_string();
        let value = words.next().map(str::to_string);
        Some(Switch { cmdlet, param, value })
    }

    /// The value the record gives this switch's parameter when it matches the entry's value.
    fn matches(&self, op: &str, ev: &Event) -> Option<String> {
        if op != self.cmdlet {
            return None;
        }
        let got = param_value(ev, &self.param)?;
        let hit = match self.value.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None => true,
            Some("true") => is_true(&got) || got.is_empty(),
            Some("false") => is_false(&got),
            Some(v) => got.trim().eq_ignore_ascii_case(v),
        };
        hit.then_some(got)
    }
}

/// A parameter of the record by name (empty for a switch given without a value), case-insensitive.
fn param_value(ev: &Event, name: &str) -> Option<String> {
    ev.params
        .iter()
        .find(|(k, _)| k.trim_start_matches('-').eq_ignore_ascii_case(name))
        .map(|(_, v)| crate::analytics::common::unquote(v))
}

/// What the asset says counts as tampering.
struct Settings {
    switched_off: Vec<Switch>,
    removals: Vec<String>,
    high_impact: Vec<String>,
    retention: Vec<Switch>,
    audit_scope: Vec<Switch>,
    min_days: f64,
    severe_days: f64,
    plans: Vec<String>,
    admins: AllowList,
    automation: AllowList,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        let switches = |name: &str| p.list(name).iter().filter_map(|s| Switch::parse(s)).collect::<Vec<Switch>>();
        Settings {
            switched_off: switches("switched_off"),
            removals: p.lower("removals"),
            high_impact: p.lower("high_impact"),
            retention: switches("retention_limits"),
            audit_scope: switches("audit_scope_parameters"),
            min_days: p.int("min_retention_days") as f64,
            severe_days: p.int("severe_retention_days") as f64,
            plans: p.lower("audit_service_plans"),
            admins: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }

    /// True when a record's operation is one this detection reads.
    fn reads(&self, op: &str) -> bool {
        self.removals.iter().any(|r| r == op)
            || [&self.switched_off, &self.retention, &self.audit_scope].iter().any(|l| l.iter().any(|s| s.cmdlet == op))
            || op == "update user"
            || op == "change user license"
    }
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let settings = Settings::read(cx);
    let norms = Norms::read(cx);
    let mut by_actor: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let mut untimed = 0;
    for ev in cx.audits {
        let op = op_name(ev);
        if !settings.reads(&op) {
            continue;
        }
        let Some(ts) = ev.ts else {
            untimed += usize::from(act_of(&settings, ev, &op, DateTime::<Utc>::UNIX_EPOCH).is_some());
            continue;
        };
        let Some(act) = act_of(&settings, ev, &op, ts) else { continue };
        let lists = [("admin_allowlist", &settings.admins), ("allow.automation_accounts", &settings.automation)];
        if let Some((rule, matched)) = allowed_actor(cx, ev, &lists) {
            out.suppressions.add(&cx.meta.id, &rule, &matched, &ev.id);
            continue;
        }
        by_actor.entry(actor_of(ev)).or_default().push(act);
    }
    note_untimed(&mut out, untimed);
    for (actor, acts) in by_actor {
        for group in by_window(acts, settings.window) {
            out.alerts.push(changes_alert(cx, &norms, &actor, &group, "weaken auditing"));
        }
    }
    out
}

/// The tampering a record does, if any.
fn act_of<'e>(s: &Settings, ev: &'e Event, op: &str, ts: DateTime<Utc>) -> Option<Change<'e>> {
    let mut found: Vec<(String, Severity)> = Vec::new();
    let cmdlet = ev.operation.trim().trim_end_matches('.');
    let impact = if s.high_impact.iter().any(|h| h == op) { Severity::High } else { Severity::Medium };
    for sw in &s.switched_off {
        if let Some(v) = sw.matches(op, ev) {
            let shown = if v.is_empty() { String::new() } else { format!(" {v}") };
            found.push((format!("{cmdlet} -{}{shown}", sw.param), impact));
        }
    }
    if s.removals.iter().any(|r| r == op) {
        found.push((format!("{cmdlet} (the policy or alert is gone)"), impact));
    }
    found.extend(retention_cut(s, ev, op, cmdlet));
    found.extend(scope_cut(s, ev, op, cmdlet));
    if op == "update user" || op == "change user license" {
        found.extend(
            plans_removed(s, ev)
                .into_iter()
                .map(|p| (format!("{p} service plan disabled on the user's licence"), Severity::Medium)),
        );
    }
    if found.is_empty() {
        return None;
    }
    let severity = found.iter().map(|(_, s)| *s).max().unwrap_or(Severity::Medium);
    let short = format!("weakened auditing: {}", found[0].0);
    let what = found.into_iter().map(|(w, _)| w).collect::<Vec<_>>().join("; ");
    Some(Change { ev, ts, what, short, target: target_of(ev), severity })
}

/// A retention parameter set below the minimum: high below the severe limit (zero keeps nothing), else medium.
fn retention_cut(s: &Settings, ev: &Event, op: &str, cmdlet: &str) -> Option<(String, Severity)> {
    s.retention.iter().find_map(|sw| {
        if sw.cmdlet != op {
            return None;
        }
        let v = param_value(ev, &sw.param)?;
        let days = duration_days(&v)?;
        (days < s.min_days).then(|| {
            let sev = if days < s.severe_days { Severity::High } else { Severity::Medium };
            (
                format!(
                    "{cmdlet} -{} {v} keeps {days:.1} day(s) of audit records, under {} day(s)",
                    sw.param, s.min_days
                ),
                sev,
            )
        })
    })
}

/// Audited mailbox actions taken away (`-AuditOwner @{Remove=…}`, `None` or an empty list).
fn scope_cut(s: &Settings, ev: &Event, op: &str, cmdlet: &str) -> Option<(String, Severity)> {
    s.audit_scope.iter().find_map(|sw| {
        if sw.cmdlet != op {
            return None;
        }
        let v = param_value(ev, &sw.param)?;
        let low = v.to_ascii_lowercase();
        let cut = low.contains("remove") || low.trim().is_empty() || low.trim() == "none" || low.trim() == "$null";
        cut.then(|| (format!("{cmdlet} -{} {v} (audited actions taken away)", sw.param), Severity::Medium))
    })
}

/// A retention value in days: `d.hh:mm:ss`, `hh:mm:ss`, a bare number of days, or the words audit retention
/// policies use (`SevenDays`, `OneMonth`, `ThreeMonths`, …).
fn duration_days(v: &str) -> Option<f64> {
    let t = v.trim().trim_matches('"');
    let words = [
        ("sevendays", 7.0),
        ("onemonth", 30.0),
        ("threemonths", 90.0),
        ("sixmonths", 180.0),
        ("ninemonths", 270.0),
        ("twelvemonths", 365.0),
        ("oneyear", 365.0),
        ("threeyears", 1_095.0),
        ("fiveyears", 1_825.0),
        ("sevenyears", 2_555.0),
        ("tenyears", 3_650.0),
    ];
    if let Some((_, d)) = words.iter().find(|(w, _)| t.eq_ignore_ascii_case(w)) {
        return Some(*d);
    }
    let (days, clock) = match t.split_once('.') {
        Some((d, rest)) if rest.contains(':') => (d.parse::<f64>().ok()?, rest),
        _ if t.contains(':') => (0.0, t),
        _ => return t.parse::<f64>().ok(),
    };
    let mut parts = clock.split(':').map(|x| x.parse::<f64>().unwrap_or(0.0));
    let (h, m) = (parts.next().unwrap_or(0.0), parts.next().unwrap_or(0.0));
    Some(days + h / 24.0 + m / 1_440.0)
}

/// Service plans in the asset's list that a licence change disabled (in the new `DisabledPlans`, not the old).
fn plans_removed(s: &Settings, ev: &Event) -> Vec<String> {
    let mut out = Vec::new();
    for (old, new) in licence_changes(ev) {
        let (before, after) = (disabled_plans(&old), disabled_plans(&new));
        for p in &s.plans {
            if after.contains(p) && !before.contains(p) && !out.contains(&p.to_ascii_uppercase()) {
                out.push(p.to_ascii_uppercase());
            }
        }
    }
    out
}

/// The old and new text of every `AssignedLicense` change in a record: a modified property of that name, or the
/// same change written inside another value (the UAL puts it in `additionalDetails`, escaped several times).
fn licence_changes(ev: &Event) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for m in ev.targets.iter().flat_map(|t| t.modified.iter()) {
        if m.name.eq_ignore_ascii_case("AssignedLicense") {
            out.push((flat(m.old.as_deref().unwrap_or("")), flat(m.new.as_deref().unwrap_or(""))));
        }
    }
    for (_, v) in &ev.params {
        let f = flat(v);
        let mut rest = f.as_str();
        while let Some(i) = rest.find("\"name\":\"assignedlicense\"") {
            rest = &rest[i + 24..];
            let end = rest.find("\"name\":").unwrap_or(rest.len());
            let body = &rest[..end];
            if let Some(n) = body.find("\"newvalue\"") {
                out.push((body[..n].to_string(), body[n..].to_string()));
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Every plan named in a `DisabledPlans=[…]` list of a flattened licence value.
fn disabled_plans(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("disabledplans=[") {
        rest = &rest[i + 15..];
        let end = rest.find(']').unwrap_or(rest.len());
        out.extend(rest[..end].split(',').map(|p| p.trim().trim_matches('"').to_string()).filter(|p| !p.is_empty()));
        rest = &rest[end..];
    }
    out
}

/// The mailbox, user or policy a record names.
fn target_of(ev: &Event) -> Option<String> {
    if let Some(m) = ev.mailbox.as_ref().and_then(|m| m.mailbox.clone()) {
        return Some(m);
    }
    prop(ev, &["Identity", "Name"])
        .or_else(|| ev.targets.iter().find_map(|t| t.upn.clone()))
        .or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.contains('@'))))
        .or_else(|| ev.targets.iter().find_map(|t| t.name.clone().or_else(|| t.id.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_values_read_in_every_written_form() {
        assert_eq!(duration_days("00:00:00"), Some(0.0));
        assert_eq!(duration_days("1.00:00:00"), Some(1.0));
        assert_eq!(duration_days("90.00:00:00"), Some(90.0));
        assert_eq!(duration_days("SevenDays"), Some(7.0));
        assert_eq!(duration_days("30"), Some(30.0));
        assert_eq!(duration_days("12:00:00"), Some(0.5));
        assert_eq!(duration_days("soon"), None);
    }

    #[test]
    fn disabled_plans_come_out_of_flattened_licence_text() {
        let text = flat(r#"["[SkuName=E5, DisabledPlans=[M365_ADVANCED_AUDITING,EQUIVIO_ANALYTICS]]"]"#);
        let plans = disabled_plans(&text);
        assert!(plans.contains("m365_advanced_auditing") && plans.contains("equivio_analytics"), "{plans:?}");
        assert!(disabled_plans(&flat("[SkuName=E5, DisabledPlans=[]]")).is_empty());
    }
}
