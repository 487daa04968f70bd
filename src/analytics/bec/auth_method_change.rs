//! auth-method-change: the way a person proves who they are was changed.
//!
//! It reads the kept directory records for security info registered, changed or deleted (by the user or by an
//! admin), temporary access passes issued, per-user MFA switched off (`Disable Strong Authentication.`, or
//! `StrongAuthenticationRequirement` emptied), app passwords created or deleted, and new authenticator devices,
//! phone numbers or method lists on the user object. Changes to one person within the window make one alert.
//! MFA switched off is high when the person did it to themselves (medium by an admin); a temporary access pass or
//! an app password is medium. A person changing their own methods is common (a new phone), so it alerts only when
//! something is unusual: a sign-in from a new or unknown place just before, an hour or place unusual for them, or
//! methods removed and others added together. An admin changing someone else's methods in working hours from
//! their usual places is a routine helpdesk reset and is counted, not alerted. Firm findings raise the severity
//! once; changes the case cannot judge are stated at low severity. The MFA service's own updates on behalf of the
//! person count as the person's. An MFA or methods report in the case adds the person's methods to the alert, and a
//! person it shows with no MFA adding a method themselves is a firm finding.

use super::auth_facts;
use super::identity_context::{
    actor_notes, add_record, add_signin, allowed_actor, failed_note, flat, new_place_signin, note_missing_signins,
    note_untimed, unusual_hour, unusual_place, Norms, Note, Place, Who,
};
use crate::analytics::alert::AlertBuilder;
use crate::analytics::allow::{actor_names, AllowList};
use crate::analytics::common::{actor_of, op_name, prop, raise, Cx, Findings};
use crate::analytics::store::touch::Touch;
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// What a change did to the person's authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Added,
    Removed,
    AppPassword,
    TemporaryPass,
    MfaOff,
}

/// What the asset lists.
struct Settings {
    added: Vec<String>,
    removed: Vec<String>,
    mfa_off: Vec<String>,
    app_password: Vec<String>,
    user_ops: Vec<String>,
    tap_words: Vec<String>,
    mfa_service: AllowList,
    admins: AllowList,
    automation: AllowList,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            added: p.lower("added_operations"),
            removed: p.lower("removed_operations"),
            mfa_off: p.lower("mfa_off_operations"),
            app_password: p.lower("app_password_operations"),
            user_ops: p.lower("user_update_operations"),
            tap_words: p.lower("temporary_pass_words"),
            mfa_service: AllowList::new(p.list("mfa_service_names")),
            admins: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }

    fn reads(&self, op: &str) -> bool {
        [&self.added, &self.removed, &self.mfa_off, &self.app_password, &self.user_ops]
            .iter()
            .any(|l| l.iter().any(|o| o == op))
    }
}

/// One change to one person's authentication.
struct Change<'e> {
    ev: &'e Event,
    ts: DateTime<Utc>,
    kind: Kind,
    what: String,
    /// The person whose methods changed.
    user: String,
    /// True when the person (or the MFA service on their behalf) made the change.
    own: bool,
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let s = Settings::read(cx);
    let norms = Norms::read(cx);
    let mut by_user: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let mut untimed = 0;
    for ev in cx.audits {
        let op = op_name(ev);
        if !s.reads(&op) {
            continue;
        }
        let changes = changes_in(cx, &s, ev, &op);
        if changes.is_empty() {
            continue;
        }
        if ev.ts.is_none() {
            untimed += 1;
            continue;
        }
        let lists = [("admin_allowlist", &s.admins), ("allow.automation_accounts", &s.automation)];
        if let Some((rule, matched)) = allowed_actor(cx, ev, &lists) {
            out.suppressions.add(&cx.meta.id, &rule, &matched, &ev.id);
            continue;
        }
        for c in changes {
            by_user.entry(c.user.clone()).or_default().push(c);
        }
    }
    note_untimed(&mut out, untimed);
    note_missing_signins(cx, &mut out, "a change of authentication methods");
    for (_, cs) in by_user {
        let mut runs: Vec<Vec<Change>> = Vec::new();
        for c in cs {
            match runs.last_mut() {
                Some(r) if c.ts.timestamp() - r[0].ts.timestamp() <= s.window => r.push(c),
                _ => runs.push(vec![c]),
            }
        }
        for r in runs {
            judge(cx, &norms, r, &mut out);
        }
    }
    out
}

/// The authentication changes one record makes.
fn changes_in<'e>(cx: &Cx<'e>, s: &Settings, ev: &'e Event, op: &str) -> Vec<Change<'e>> {
    let ts = ev.ts.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let user = target_user(ev);
    let actor = actor_of(ev);
    let by_service = s.mfa_service.matched(&actor_names(cx, ev)).is_some();
    let own = by_service || (!user.is_empty() && user == actor);
    let mk = |kind: Kind, what: String| Change { ev, ts, kind, what, user: user.clone(), own };
    let method = method_of(ev);
    let mut out = Vec::new();
    if s.mfa_off.iter().any(|o| o == op) {
        out.push(mk(Kind::MfaOff, format!("per-user MFA switched off for {user} ({})", ev.operation.trim())));
    } else if s.app_password.iter().any(|o| o == op) {
        out.push(mk(
            Kind::AppPassword,
            format!("app password created for {user}: legacy clients can sign in without MFA"),
        ));
    } else if s.added.iter().any(|o| o == op) {
        let tap = s.tap_words.iter().any(|w| {
            method.to_ascii_lowercase().contains(w.as_str())
                || ev
                    .targets
                    .iter()
                    .flat_map(|t| t.modified.iter())
                    .any(|m| flat(&m.name).contains(&w.replace(' ', "")))
        });
        if tap {
            out.push(mk(
                Kind::TemporaryPass,
                format!("temporary access pass issued for {user}: it signs in without password or MFA"),
            ));
        } else {
            out.push(mk(Kind::Added, format!("{} ({method})", ev.operation.trim().trim_end_matches('.'))));
        }
    } else if s.removed.iter().any(|o| o == op) {
        let what = if op.contains("application password") {
            format!("app password deleted for {user}")
        } else {
            format!("{} ({method})", ev.operation.trim().trim_end_matches('.'))
        };
        out.push(mk(Kind::Removed, what));
    } else if s.user_ops.iter().any(|o| o == op) {
        out.extend(user_object_changes(ev).into_iter().map(|(k, w)| mk(k, w)));
    }
    out
}

/// The person whose methods a record changes: the target's UPN, else an id that looks like one.
fn target_user(ev: &Event) -> String {
    ev.targets
        .iter()
        .find_map(|t| t.upn.clone())
        .or_else(|| ev.targets.iter().find_map(|t| t.id.clone().filter(|i| i.contains('@'))))
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The method a security-info record names (`Authenticator App with Notification`, `Phone`), from its parameters
/// or its result reason.
fn method_of(ev: &Event) -> String {
    prop(ev, &["AuthenticationMethod", "AuthenticationMethodType"])
        .or_else(|| ev.result_detail.clone())
        .unwrap_or_else(|| "method not named in the record".to_string())
}

/// Changes an `Update user` record makes to the MFA properties of the user object.
fn user_object_changes(ev: &Event) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    let get = |name: &str| {
        ev.targets
            .iter()
            .flat_map(|t| t.modified.iter())
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| (entries(m.old.as_deref().unwrap_or("")), entries(m.new.as_deref().unwrap_or(""))))
    };
    if let Some((old, new)) = get("StrongAuthenticationRequirement") {
        if !old.is_empty() && new.is_empty() {
            out.push((
                Kind::MfaOff,
                "StrongAuthenticationRequirement emptied: per-user MFA no longer required".to_string(),
            ));
        }
    }
    if let Some((old, new)) = get("StrongAuthenticationPhoneAppDetail") {
        let before = values_of(&old, "Id");
        for entry in &new {
            let id = field(entry, "Id");
            if !id.is_empty() && !before.contains(&id) {
                out.push((
                    Kind::Added,
                    format!("new authenticator app device \"{}\" ({id}) on the account", field(entry, "DeviceName")),
                ));
            }
        }
    }
    if let Some((old, new)) = get("StrongAuthenticationUserDetails") {
        let before = values_of(&old, "PhoneNumber");
        if let Some(p) = values_of(&new, "PhoneNumber").into_iter().find(|p| !p.is_empty() && !before.contains(p)) {
            out.push((Kind::Added, format!("MFA phone number set to {p}")));
        }
    }
    if let Some((old, new)) = get("StrongAuthenticationMethod") {
        let (a, b) = (values_of(&old, "MethodType"), values_of(&new, "MethodType"));
        if b.iter().any(|m| !a.contains(m)) {
            out.push((Kind::Added, format!("MFA method types {} added to the account", diff(&b, &a).join(", "))));
        } else if a.iter().any(|m| !b.contains(m)) {
            out.push((Kind::Removed, format!("MFA method types {} removed from the account", diff(&a, &b).join(", "))));
        }
    }
    out
}

/// Items of `a` not in `b`.
fn diff(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

/// The objects of a JSON list value (possibly a JSON string holding one); empty for `[]` or anything unreadable.
fn entries(text: &str) -> Vec<serde_json::Value> {
    let mut v: serde_json::Value = match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(_) => return Vec::new(),
    };
    if let Some(inner) = v.as_str().and_then(|s| serde_json::from_str(s).ok()) {
        v = inner;
    }
    match v {
        serde_json::Value::Array(items) => items.into_iter().filter(|i| i.is_object()).collect(),
        o @ serde_json::Value::Object(_) => vec![o],
        _ => Vec::new(),
    }
}

/// A field of a JSON object by name (any letter case), as text.
fn field(entry: &serde_json::Value, name: &str) -> String {
    entry
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
        .map(|(_, v)| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// The non-empty values of one field across the objects.
fn values_of(entries: &[serde_json::Value], name: &str) -> Vec<String> {
    entries.iter().map(|e| field(e, name)).filter(|v| !v.is_empty()).collect()
}

/// Suppresses a routine change, else raises an alert for one person's changes within the window.
fn judge(cx: &Cx, norms: &Norms, changes: Vec<Change>, out: &mut Findings) {
    let first = &changes[0];
    let own = changes.iter().all(|c| c.own);
    let kinds: BTreeSet<Kind> = changes.iter().map(|c| c.kind).collect();
    let must = kinds.iter().any(|k| matches!(k, Kind::MfaOff | Kind::TemporaryPass | Kind::AppPassword));
    let (notes, touches) = context(cx, norms, &changes, own);
    let firm = notes.iter().any(|n| n.firm);
    let admin = changes.iter().find(|c| !c.own).map(|c| c.ev).unwrap_or(first.ev);
    let who = Who::actor(cx, norms, admin, first.ts);
    if !must && notes.is_empty() {
        let rule = if own {
            Some("self-service change with no new-place sign-in, unusual hour or place, or method swap")
        } else if who.enough && cx.store.clock.in_working_hours(first.ts) {
            Some("helpdesk change in working hours from the admin's usual place")
        } else {
            None
        };
        if let Some(rule) = rule {
            for c in &changes {
                out.suppressions.add(&cx.meta.id, rule, &c.user, &c.ev.id);
            }
            return;
        }
    }
    let mut sev = changes.iter().map(|c| base(c)).max().unwrap_or(Severity::Low);
    if !must && !firm {
        sev = Severity::Low;
    }
    let mut b = alert_text(cx, &changes, own);
    if firm {
        sev = raise(sev);
    }
    for n in notes {
        b.reason(n.text);
    }
    for t in touches {
        add_signin(cx, &mut b, t);
    }
    auth_facts::describe(cx, &mut b, &first.user);
    if !own {
        if let Some(t) = who.thin(norms) {
            b.baseline(t);
        }
    }
    b.alert.severity = sev;
    out.alerts.push(b);
}

/// The severity a change has on its own.
fn base(c: &Change) -> Severity {
    match (c.kind, c.own) {
        (Kind::MfaOff, true) => Severity::High,
        (Kind::MfaOff, false) | (Kind::TemporaryPass, _) | (Kind::AppPassword, _) => Severity::Medium,
        (_, true) => Severity::Medium,
        (_, false) => Severity::Low,
    }
}

/// What is unusual around the changes: for the person's own changes, a new-place sign-in just before and the
/// hour and country or network of the change (an unplaced address alone does not count: phones register from
/// anywhere) and methods removed and others added together; for an admin's, the admin's hour and place.
fn context<'a>(cx: &Cx<'a>, norms: &Norms, changes: &[Change], own: bool) -> (Vec<Note>, Vec<&'a Touch>) {
    let first = &changes[0];
    let mut notes = Vec::new();
    let mut touches = Vec::new();
    let kinds: BTreeSet<Kind> = changes.iter().map(|c| c.kind).collect();
    // An admin's reset is exactly a removal followed by a new registration; only the person's own swap counts.
    if own && kinds.contains(&Kind::Removed) && kinds.contains(&Kind::Added) {
        let minutes = (changes[changes.len() - 1].ts - first.ts).num_minutes();
        notes.push(Note { text: format!("methods were removed and others added within {minutes} min"), firm: true });
    }
    let adds = kinds.iter().any(|k| matches!(k, Kind::Added | Kind::TemporaryPass | Kind::AppPassword));
    if own && adds && !first.user.is_empty() {
        notes.extend(auth_facts::first_factor_note(cx, &first.user));
    }
    if !first.user.is_empty() {
        let person = Who::at(cx, norms, &first.user, first.ts);
        if let Some(p) = new_place_signin(cx, norms, &person, first.ts) {
            notes.push(p.note);
            touches.push(p.touch);
        }
    }
    let acting = changes.iter().find(|c| !c.own || !is_service(c)).unwrap_or(first);
    let who = Who::actor(cx, norms, acting.ev, acting.ts);
    if own {
        notes.extend(unusual_hour(cx, norms, &who, acting.ts));
        notes.extend(unusual_place(cx, norms, &who, &Place::of_event(acting.ev), acting.ts, false));
    } else {
        notes.extend(actor_notes(cx, norms, &who, acting.ev, acting.ts));
    }
    (notes, touches)
}

/// True when the change was written by the MFA service rather than by a person.
fn is_service(c: &Change) -> bool {
    c.own && actor_of(c.ev) != c.user
}

/// The alert's title, reasons, evidence and entities.
fn alert_text(cx: &Cx, changes: &[Change], own: bool) -> AlertBuilder {
    let first = &changes[0];
    let user = &first.user;
    let strongest = changes.iter().map(|c| c.kind).max().unwrap_or(Kind::Added);
    let by = if own {
        "themselves".to_string()
    } else {
        changes.iter().find(|c| !c.own).map(|c| actor_of(c.ev)).unwrap_or_default()
    };
    let what = match strongest {
        Kind::MfaOff => "MFA switched off",
        Kind::TemporaryPass => "temporary access pass issued",
        Kind::AppPassword => "app password created",
        Kind::Removed => "authentication methods removed",
        Kind::Added => "authentication methods added",
    };
    let title = if own {
        format!("{user}: {what} by the user")
    } else {
        format!("{by} changed {user}'s sign-in methods: {what}")
    };
    let mut b = cx.alert(title, Severity::Low);
    b.key.push(user.clone());
    b.key.push(first.ev.id.clone());
    for c in changes {
        b.reason(format!("{} by {}, at {}", c.what, actor_of(c.ev), cx.store.clock.describe(c.ts)));
        if let Some(n) = failed_note(c.ev) {
            b.reason(n);
        }
        add_record(&mut b, c.ev, c.ts);
    }
    if user.contains('@') {
        b.entities().user(user);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_list_values_are_read_whether_or_not_they_are_quoted_again() {
        let list = r#"[{"DeviceName":"iPhone 13","Id":"aa73"},{"DeviceName":"SM-S936B","Id":"6fd4"}]"#;
        assert_eq!(values_of(&entries(list), "Id"), vec!["aa73".to_string(), "6fd4".to_string()]);
        let quoted = serde_json::to_string(list).unwrap();
        assert_eq!(values_of(&entries(&quoted), "devicename"), vec!["iPhone 13".to_string(), "SM-S936B".to_string()]);
        assert!(entries("[]").is_empty());
        assert_eq!(values_of(&entries(r#"[{"MethodType":6,"Default":true}]"#), "MethodType"), vec!["6".to_string()]);
    }
}
