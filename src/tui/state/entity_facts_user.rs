//! The snapshot sections of a user's, a mailbox's and an app's entity page.

use super::entity_facts::{is_at_risk, sections, FactRow, FactSection};
use crate::facts::{Facts, RoleHold};

/// Risk, risk detections, roles, account, MFA state and methods, and the security alerts naming the user.
pub(super) fn user(facts: &Facts, v: &str, out: &mut Vec<FactSection>) {
    let risk: Vec<_> = facts.user_risk(v).into_iter().collect();
    sections(out, "User risk", risk, |r| {
        let detail = r.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
        let deleted = if r.deleted == Some(true) { ", user deleted" } else { "" };
        let text = format!("risk {}, {}{detail}{deleted}, as of its last update", r.level, r.state);
        FactRow { at: r.last_updated, text, notable: r.at_risk() }
    });
    sections(out, "Risk detections", facts.risk_detections_of(v), |d| {
        let place: Vec<&str> = [&d.ip, &d.city, &d.country].into_iter().flatten().map(String::as_str).collect();
        let text = format!("{} · {} · {} · {}", d.event_type, d.level, d.state, place.join(" "));
        FactRow { at: d.detected_at.or(d.activity_at), text, notable: is_at_risk(&d.state) }
    });
    let before = out.len();
    sections(out, "Roles", facts.roles_of(v), |r| {
        let mut text = format!("{} · {}", r.role, r.hold.as_str());
        if let Some(scope) = r.scope.as_deref().filter(|s| *s != "/") {
            text.push_str(&format!(" · scope {scope}"));
        }
        if r.hold != RoleHold::Member && r.end.is_none() {
            text.push_str(" · no end");
        }
        FactRow { at: r.start, text, notable: r.is_admin_role() }
    });
    for s in &mut out[before..] {
        if s.rows.iter().any(|r| r.notable) {
            s.title.push_str(" · administrator");
        }
    }
    if let Some(u) = facts.user(v) {
        let r = u.fact;
        let state = match r.enabled {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "enabled?",
        };
        let what: Vec<&str> =
            [&r.user_type, &r.department, &r.job_title].into_iter().flatten().map(String::as_str).collect();
        let mut rows = vec![FactRow { at: None, text: format!("{state} · {}", what.join(" · ")), notable: false }];
        for (at, what) in [
            (r.created, "created"),
            (r.password_changed, "password last changed"),
            (r.last_sign_in, "last interactive sign-in"),
            (r.last_noninteractive_sign_in, "last non-interactive sign-in"),
        ] {
            if at.is_some() {
                rows.push(FactRow { at, text: what.into(), notable: false });
            }
        }
        out.push(FactSection { title: "Account".into(), snapshot: u.snapshot.label(), rows, more: 0 });
    }
    sections(out, "Sign-in methods", facts.auth_methods_of(v), |m| {
        let admin = if m.is_admin == Some(true) { " · administrator" } else { "" };
        let text = format!("{}{admin} ({})", m.summary(), m.report);
        FactRow { at: m.last_updated, text, notable: m.without_mfa() }
    });
    sections(out, "Security alerts naming the user", facts.alerts_naming(v), |a| {
        let provider = a.provider.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
        let text = format!("{} · {} · {}{provider}", a.severity, a.title, a.status);
        FactRow { at: a.created, text, notable: !a.status.eq_ignore_ascii_case("resolved") }
    });
}

/// The mailbox's current inbox rules and its own forwarding.
pub(super) fn mailbox(facts: &Facts, v: &str, out: &mut Vec<FactSection>) {
    sections(out, "Inbox rules", facts.rules_of(v), |r| {
        let off = match (r.enabled == Some(false), r.hidden == Some(true)) {
            (true, true) => " (disabled, hidden)",
            (true, false) => " (disabled)",
            (false, true) => " (hidden)",
            (false, false) => "",
        };
        let text = format!("{}{off}: {} ← if {}", r.name.trim(), r.actions.summary(), r.conditions_summary());
        let notable = r.forwards() || r.actions.delete || r.actions.soft_delete || r.hidden == Some(true);
        FactRow { at: None, text, notable }
    });
    let forwarding: Vec<_> = facts.forwarding_of(v).into_iter().collect();
    sections(out, "Mailbox forwarding", forwarding, |f| FactRow { at: None, text: f.summary(), notable: f.is_set() });
}

/// The permissions granted to the app.
pub(super) fn app(facts: &Facts, v: &str, out: &mut Vec<FactSection>) {
    sections(out, "App permissions", facts.permissions_of(v), |p| {
        let on = p.resource.as_deref().map(|r| format!(" on {r}")).unwrap_or_default();
        let consent = p.consent_summary();
        let consent = if consent.is_empty() { String::new() } else { format!(" · {consent}") };
        let text = format!("{} · {}{on}{consent}", p.permission, p.permission_type);
        FactRow { at: None, text, notable: p.permission_type.eq_ignore_ascii_case("Application") }
    });
}
