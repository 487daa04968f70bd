//! policy-weakening: a tenant policy that keeps intruders out or mail clean was loosened.
//!
//! It reads the kept directory and Exchange records for five kinds of change: a conditional access policy deleted
//! or switched to disabled or report-only; anti-spam, anti-phishing and connection-filter allow lists widened or
//! their rules disabled (`Set-HostedContentFilterPolicy -AllowedSenderDomains`, …); transport rules that set the
//! spam confidence level to -1 so mail skips filtering; domain authentication or federation settings changed
//! (`Set domain authentication.`, `Set federation settings on domain.`), which can let another identity provider
//! sign in as anyone; and the authorization policy letting every user consent to apps. Each kind's severity
//! comes from what it opens; one actor's changes within the grouping window make one alert, raised by an hour or
//! place unusual for the actor. Which operations, parameters and values count is data in the asset.

use super::identity_context::{allowed_actor, by_window, changes_alert, flat, modified, note_untimed, Change, Norms};
use crate::analytics::allow::AllowList;
use crate::analytics::common::{actor_of, op_name, prop, unquote, Cx, Findings};
use crate::model::{Event, Severity};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A cmdlet and one of its parameters, from an asset entry `Cmdlet -Parameter`.
struct CmdParam {
    cmdlet: String,
    param: String,
}

impl CmdParam {
    fn parse(entry: &str) -> Option<CmdParam> {
        let mut w = entry.split_whitespace();
        Some(CmdParam {
            cmdlet: w.next()?.to_ascii_lowercase(),
            param: w.next()?.trim_start_matches('-').to_ascii_lowercase(),
        })
    }
}

/// What the asset says counts as weakening.
struct Settings {
    ca_deleted: Vec<String>,
    ca_updated: Vec<String>,
    ca_weak_states: Vec<String>,
    allow_params: Vec<CmdParam>,
    disabling: Vec<String>,
    transport_ops: Vec<String>,
    bypass_scl: String,
    sender_conditions: Vec<String>,
    federation_ops: Vec<String>,
    consent_any: Vec<String>,
    consent_low: Vec<String>,
    admins: AllowList,
    automation: AllowList,
    window: i64,
}

impl Settings {
    fn read(cx: &Cx) -> Settings {
        let p = cx.params;
        Settings {
            ca_deleted: p.lower("ca_deleted_operations"),
            ca_updated: p.lower("ca_updated_operations"),
            ca_weak_states: p.lower("ca_weak_states"),
            allow_params: p.list("allow_list_parameters").iter().filter_map(|s| CmdParam::parse(s)).collect(),
            disabling: p.lower("disabling_cmdlets"),
            transport_ops: p.lower("transport_rule_cmdlets"),
            bypass_scl: p.text("bypass_scl").trim().to_string(),
            sender_conditions: p.lower("sender_condition_parameters"),
            federation_ops: p.lower("federation_operations"),
            consent_any: p.list("consent_policies_any_app").iter().map(|x| x.trim().to_string()).collect(),
            consent_low: p.list("consent_policies_low_risk").iter().map(|x| x.trim().to_string()).collect(),
            admins: AllowList::new(p.list("admin_allowlist")),
            automation: AllowList::new(&cx.config.allow.automation_accounts),
            window: p.int("group_window_hours").max(1) * 3_600,
        }
    }
}

/// Runs the detection.
pub fn run(cx: &Cx) -> Findings {
    let mut out = Findings::default();
    let s = Settings::read(cx);
    let norms = Norms::read(cx);
    let mut by_actor: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let mut untimed = 0;
    for ev in cx.audits {
        let ts = ev.ts.unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let Some(change) = change_of(&s, ev, ts) else { continue };
        if ev.ts.is_none() {
            untimed += 1;
            continue;
        }
        let lists = [("admin_allowlist", &s.admins), ("allow.automation_accounts", &s.automation)];
        if let Some((rule, matched)) = allowed_actor(cx, ev, &lists) {
            out.suppressions.add(&cx.meta.id, &rule, &matched, &ev.id);
            continue;
        }
        by_actor.entry(actor_of(ev)).or_default().push(change);
    }
    note_untimed(&mut out, untimed);
    for (actor, changes) in by_actor {
        for group in by_window(changes, s.window) {
            out.alerts.push(changes_alert(cx, &norms, &actor, &group, "weaken tenant policies"));
        }
    }
    out
}

/// The weakening a record makes, if any.
fn change_of<'e>(s: &Settings, ev: &'e Event, ts: DateTime<Utc>) -> Option<Change<'e>> {
    let op = op_name(ev);
    let (short, what, severity) = conditional_access(s, ev, &op)
        .or_else(|| filter_allow_list(s, ev, &op))
        .or_else(|| transport_bypass(s, ev, &op))
        .or_else(|| federation(s, ev, &op))
        .or_else(|| consent_policy(s, ev, &op))?;
    Some(Change { ev, ts, what, short, target: None, severity })
}

/// (short title, reason, severity) of one change.
type Found = (String, String, Severity);

/// A conditional access policy deleted, or its state turned to disabled or report-only.
fn conditional_access(s: &Settings, ev: &Event, op: &str) -> Option<Found> {
    let name = policy_name(ev);
    if s.ca_deleted.iter().any(|o| o == op) {
        return Some((
            format!("deleted conditional access policy {name}"),
            format!(
                "conditional access policy {name} deleted; whatever it enforced (MFA, blocked countries, \
                     compliant devices) no longer applies"
            ),
            Severity::High,
        ));
    }
    if !s.ca_updated.iter().any(|o| o == op) {
        return None;
    }
    let (old, new) = ev
        .targets
        .iter()
        .flat_map(|t| t.modified.iter())
        .find(|m| flat(m.new.as_deref().unwrap_or("")).contains("\"state\":"))
        .map(|m| (flat(m.old.as_deref().unwrap_or("")), flat(m.new.as_deref().unwrap_or(""))))?;
    let state_of = |t: &str| s.ca_weak_states.iter().find(|w| t.contains(&format!("\"state\":\"{w}\""))).cloned();
    let weak = state_of(&new)?;
    if state_of(&old).as_deref() == Some(weak.as_str()) {
        return None;
    }
    let sev = if weak == "disabled" { Severity::High } else { Severity::Medium };
    Some((
        format!("set conditional access policy {name} to {weak}"),
        format!("conditional access policy {name} set to {weak}; it no longer enforces its controls"),
        sev,
    ))
}

/// The policy's display name from the record.
fn policy_name(ev: &Event) -> String {
    ev.targets
        .iter()
        .find_map(|t| t.name.clone())
        .or_else(|| prop(ev, &["DisplayName", "Identity", "Name"]))
        .map(|n| format!("\"{n}\""))
        .unwrap_or_else(|| "(unnamed)".to_string())
}

/// An anti-spam, anti-phishing or connection-filter allow list widened, or a filtering rule disabled.
fn filter_allow_list(s: &Settings, ev: &Event, op: &str) -> Option<Found> {
    let cmdlet = ev.operation.trim();
    if s.disabling.iter().any(|d| d == op) {
        let name = prop(ev, &["Identity", "Name"]).map(|n| format!(" \"{n}\"")).unwrap_or_default();
        return Some((
            format!("ran {cmdlet}{name}"),
            format!("{cmdlet}{name}: the filtering rule no longer applies"),
            Severity::Medium,
        ));
    }
    let added: Vec<String> = s
        .allow_params
        .iter()
        .filter(|cp| cp.cmdlet == op)
        .filter_map(|cp| {
            let (k, v) = ev.params.iter().find(|(k, _)| k.trim_start_matches('-').eq_ignore_ascii_case(&cp.param))?;
            let v = unquote(v);
            let low = v.to_ascii_lowercase();
            let only_removes = low.contains("remove") && !low.contains("add");
            (!v.trim().is_empty() && !only_removes && !is_off(&v))
                .then(|| format!("-{} {v}", k.trim_start_matches('-')))
        })
        .collect();
    if added.is_empty() {
        return None;
    }
    Some((
        format!("widened a mail filter allow list ({cmdlet})"),
        format!("{cmdlet} {}: mail from these senders or addresses skips spam and phishing filtering", added.join(" ")),
        Severity::Medium,
    ))
}

/// True for a value that switches a setting off rather than allowing something (`$false`, `False`).
fn is_off(v: &str) -> bool {
    super::identity_context::is_false(v)
}

/// A transport rule that sets the spam confidence level to the bypass value; high when no sender condition narrows
/// it, so all mail skips filtering.
fn transport_bypass(s: &Settings, ev: &Event, op: &str) -> Option<Found> {
    if !s.transport_ops.iter().any(|o| o == op) || s.bypass_scl.is_empty() {
        return None;
    }
    let scl = prop(ev, &["SetSCL"])?;
    if scl.trim() != s.bypass_scl {
        return None;
    }
    let name = prop(ev, &["Name", "Identity"]).unwrap_or_else(|| "(unnamed)".to_string());
    let conditions: Vec<String> = ev
        .params
        .iter()
        .filter(|(k, _)| s.sender_conditions.iter().any(|c| k.trim_start_matches('-').eq_ignore_ascii_case(c)))
        .map(|(k, v)| format!("{k} {}", unquote(v)))
        .collect();
    let (scope, sev) = if conditions.is_empty() {
        ("with no sender condition, so all mail skips spam filtering".to_string(), Severity::High)
    } else {
        (format!("for mail matching {}", conditions.join(", ")), Severity::Medium)
    };
    Some((
        format!("made transport rule \"{name}\" bypass spam filtering"),
        format!("{} \"{name}\" sets SCL {scl} {scope}", ev.operation.trim()),
        sev,
    ))
}

/// Domain authentication or federation settings changed: another identity provider may now sign people in.
fn federation(s: &Settings, ev: &Event, op: &str) -> Option<Found> {
    if !s.federation_ops.iter().any(|o| o == op) {
        return None;
    }
    let domain = ev
        .targets
        .iter()
        .find_map(|t| t.name.clone().or_else(|| t.id.clone()))
        .or_else(|| prop(ev, &["DomainName", "Domain"]))
        .unwrap_or_else(|| "(unnamed domain)".to_string());
    let changed: Vec<String> = ev
        .targets
        .iter()
        .flat_map(|t| t.modified.iter())
        .filter(|m| !m.name.eq_ignore_ascii_case("Included Updated Properties"))
        .filter_map(|m| m.new.as_deref().map(|v| format!("{} = {}", m.name, unquote(v))))
        .filter(|t| t.len() < 200)
        .collect();
    let federated = changed.iter().any(|c| c.to_ascii_lowercase().contains("federated"));
    let detail = if changed.is_empty() { String::new() } else { format!(" ({})", changed.join("; ")) };
    Some((
        format!("changed sign-in trust for domain {domain}"),
        format!(
            "{} for {domain}{detail}: {}",
            ev.operation.trim().trim_end_matches('.'),
            if federated {
                "the domain now trusts an outside identity provider, which can sign in as any of its users"
            } else {
                "who signs the domain's users in was changed"
            }
        ),
        Severity::High,
    ))
}

/// The default user role allowed to consent: to any app (high) or to low-risk permissions of verified publishers
/// (low).
fn consent_policy(s: &Settings, ev: &Event, op: &str) -> Option<Found> {
    if op != "update authorization policy" {
        return None;
    }
    let (old, new) = modified(ev, "PermissionGrantPolicyIdsAssignedToDefaultUserRole")?;
    let (old, new) = (old.to_ascii_lowercase(), new.to_ascii_lowercase());
    let gained = |list: &[String]| {
        list.iter()
            .find(|p| {
                let p = p.to_ascii_lowercase();
                new.contains(&p) && !old.contains(&p)
            })
            .cloned()
    };
    if let Some(p) = gained(&s.consent_any) {
        return Some((
            "let every user consent to any app".to_string(),
            format!(
                "authorization policy now assigns {p} to every user: anyone can grant any app access to their \
                 mail and files, the opening consent phishing needs"
            ),
            Severity::High,
        ));
    }
    gained(&s.consent_low).map(|p| {
        (
            "let users consent to low-risk app permissions".to_string(),
            format!("authorization policy now assigns {p} to every user: consent to verified publishers' low-risk permissions"),
            Severity::Low,
        )
    })
}
